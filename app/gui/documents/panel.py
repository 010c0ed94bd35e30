"""The Documents pane: the library selector, its files, and indexing progress.

Like the conversation panel, it reads nothing itself: it shows what it is given
and says what the user asked for. `LibraryController` does the work. File
dialogs are opened with `open()`, so no nested event loop runs.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QItemSelectionModel, QPoint, Qt, Signal, Slot
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.documents.records import IndexedFile, IngestProgress, file_name
from app.gui.documents.document_model import DocumentListModel
from app.gui.documents.task_dialogs import TASK_ACTIONS, TASK_KINDS
from app.gui.i18n import QT_TRANSLATE_NOOP, Retranslated
from app.gui.plain_text import plain, plain_tooltip

NEW_LIBRARY = "\x00new"  # item data of the "New library…" entry (no library name has a NUL)
DELETE_LIBRARY = "\x00delete"  # item data of the "Delete this library…" entry
EMPTY_TEXT = QT_TRANSLATE_NOOP(
    "DocumentsPanel",
    "No documents in this library yet.\nDrop files or folders anywhere on the window, "
    "or press Add files…",
)
STAGES = {  # translated where shown
    "reading": QT_TRANSLATE_NOOP("IngestProgressBox", "reading"),
    "embedding": QT_TRANSLATE_NOOP("IngestProgressBox", "embedding"),
    "writing": QT_TRANSLATE_NOOP("IngestProgressBox", "saving"),
    "done": QT_TRANSLATE_NOOP("IngestProgressBox", "done"),
}
# Share of a file's bar filled when each stage starts.
STAGE_SHARE = {"reading": 5, "embedding": 45, "writing": 90, "done": 100}


class IngestProgressBox(Retranslated, QFrame):
    """The file being read and its stage; files done overall, and speed; Cancel."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ingestProgress")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._progress: IngestProgress | None = None  # the last shown
        self.file_label = QLabel()
        plain(self.file_label)  # file names are untrusted
        self.file_label.setWordWrap(True)
        self.file_bar = QProgressBar()
        self.file_bar.setRange(0, 100)
        self.file_bar.setTextVisible(False)
        self.overall_label = QLabel()
        plain(self.overall_label)
        self.overall_bar = QProgressBar()
        self.overall_bar.setFormat("%v / %m")
        self.cancel_button = QPushButton()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(3)
        layout.addWidget(self.file_label)
        layout.addWidget(self.file_bar)
        layout.addWidget(self.overall_label)
        layout.addWidget(self.overall_bar)
        layout.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignRight)
        self.retranslate()

    def retranslate(self) -> None:
        self.file_label.setAccessibleName(self.tr("File being indexed"))
        self.file_bar.setAccessibleName(self.tr("Progress of this file"))
        self.overall_label.setAccessibleName(self.tr("Indexing progress"))
        self.overall_bar.setAccessibleName(self.tr("Files indexed"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.setAccessibleName(self.tr("Cancel indexing"))
        self.cancel_button.setToolTip(
            self.tr("Stop indexing; files already done stay in the library")
        )
        if self._progress is not None:
            self._show_texts(self._progress)

    def show_waiting(self, text: str) -> None:
        self._progress = None
        self.file_label.setText(text)
        self.file_bar.setRange(0, 0)  # busy until the first report
        self.overall_label.setText("")
        self.overall_bar.setRange(0, 0)
        self.cancel_button.setEnabled(True)
        self.show()

    def show_progress(self, progress: IngestProgress) -> None:
        self._progress = progress
        self._show_texts(progress)
        self.file_label.setToolTip(plain_tooltip(progress.path))
        self.file_bar.setRange(0, 100)
        share = STAGE_SHARE.get(progress.stage, 0)
        if progress.stage == "embedding" and progress.passages_total:
            # Embedding is most of the work: move through its share batch by batch.
            span = STAGE_SHARE["writing"] - share
            share += span * progress.passages_done // progress.passages_total
        self.file_bar.setValue(share)
        done = progress.file_index + (1 if progress.stage == "done" else 0)
        self.overall_bar.setRange(0, max(progress.files_total, 1))
        self.overall_bar.setValue(done)
        self.show()

    def _show_texts(self, progress: IngestProgress) -> None:
        name = file_name(progress.path)
        stage = self.tr(STAGES[progress.stage]) if progress.stage in STAGES else progress.stage
        self.file_label.setText(f"{name} — {stage}")
        self.overall_label.setText(overall_text(progress))


def overall_text(progress: IngestProgress) -> str:
    """'2 of 5 files · 14.2 pages/s'."""
    done = progress.file_index + (1 if progress.stage == "done" else 0)
    translate = QCoreApplication.translate
    text = (
        translate("IngestProgressBox", "{done} of {total} file")
        if progress.files_total == 1
        else translate("IngestProgressBox", "{done} of {total} files")
    ).format(done=done, total=progress.files_total)
    if progress.pages_per_second > 0:
        speed = f"{progress.pages_per_second:.1f}"
        text += translate("IngestProgressBox", " · {speed} pages/s").format(speed=speed)
    return text


class DocumentsPanel(Retranslated, QWidget):
    """A library's files with their status, and the buttons that change them.

    Signals:
        library_chosen(str): the user picked this library in the selector.
        library_named(str): the user named a new library (not checked yet).
        add_requested(list): paths (str) of files or folders the user picked to add.
        remove_requested(list): paths (str) of the selected files, to take out of the library.
        reindex_requested(): the user asked to read every file of the library again.
        cancel_requested(): the user pressed Cancel while files were being indexed.
        delete_requested(str): the user confirmed deleting this library.
        task_requested(str, str): a document task (summarize, extract, compare or
            translate) chosen in a file's context menu, and that file's path.
    """

    library_chosen = Signal(str)
    library_named = Signal(str)
    add_requested = Signal(list)
    remove_requested = Signal(list)
    reindex_requested = Signal()
    cancel_requested = Signal()
    delete_requested = Signal(str)
    task_requested = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = DocumentListModel(self)
        self._library = ""
        self.library_combo = QComboBox()
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setWordWrap(True)  # reasons are read in full, not elided
        self.list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setSpacing(2)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.empty_label = QLabel()
        plain(self.empty_label)
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.add_files_button = QPushButton()
        self.add_folder_button = QPushButton()
        self.remove_button = QPushButton()
        self.remove_button.setEnabled(False)
        self.reindex_button = QPushButton()
        self.progress = IngestProgressBox()
        self.progress.hide()
        self.summary_label = QLabel()
        plain(self.summary_label)
        self.summary_label.setWordWrap(True)
        self.summary_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.summary_label.hide()

        buttons = QGridLayout()
        buttons.setSpacing(4)
        buttons.addWidget(self.add_files_button, 0, 0)
        buttons.addWidget(self.add_folder_button, 0, 1)
        buttons.addWidget(self.remove_button, 1, 0)
        buttons.addWidget(self.reindex_button, 1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 8, 8, 8)
        layout.setSpacing(6)
        layout.addWidget(self.library_combo)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty_label, 1)
        self.list.hide()

        self.library_combo.activated.connect(self.on_library_activated)
        self.add_files_button.clicked.connect(self.on_add_files_clicked)
        self.add_folder_button.clicked.connect(self.on_add_folder_clicked)
        self.remove_button.clicked.connect(self.on_remove_clicked)
        self.reindex_button.clicked.connect(self.reindex_requested)
        self.progress.cancel_button.clicked.connect(self.on_cancel_clicked)
        self.list.selectionModel().selectionChanged.connect(self.on_selection_changed)
        self.list.customContextMenuRequested.connect(self.on_context_menu_requested)
        self.model.modelReset.connect(self.on_rows_changed)
        self.model.rowsInserted.connect(self.on_rows_changed)
        self.model.rowsRemoved.connect(self.on_rows_changed)
        self.retranslate()

    def retranslate(self) -> None:
        """Every text in the interface's language, the files' statuses too."""
        self.library_combo.setAccessibleName(self.tr("Library"))
        self.library_combo.setToolTip(
            self.tr("The document library shown here, and that answers use")
        )
        for data, text in (
            (NEW_LIBRARY, self.tr("New library…")),
            (DELETE_LIBRARY, self.tr("Delete this library…")),
        ):
            index = self.library_combo.findData(data)
            if index >= 0:
                self.library_combo.setItemText(index, text)
        self.list.setAccessibleName(self.tr("Documents in the library"))
        self.empty_label.setText(self.tr(EMPTY_TEXT))
        for button, text, tip in (
            (
                self.add_files_button,
                self.tr("Add files…"),
                self.tr("Add documents to this library"),
            ),
            (
                self.add_folder_button,
                self.tr("Add folder…"),
                self.tr("Add every document in a folder and its subfolders"),
            ),
            (
                self.remove_button,
                self.tr("Remove"),
                self.tr("Take the selected files out of the library"),
            ),
            (
                self.reindex_button,
                self.tr("Re-index"),
                self.tr("Read every file of this library again; forget files that are gone"),
            ),
        ):
            button.setText(text)
            button.setAccessibleName(text.rstrip("…"))
            button.setToolTip(tip)
        self.summary_label.setAccessibleName(self.tr("Last indexing result"))
        self.model.retranslate()

    @property
    def library(self) -> str:
        return self._library

    # --- shown from outside --------------------------------------------------------

    def set_libraries(self, names: Sequence[str], current: str) -> None:
        """Fill the selector without signalling a choice."""
        self._library = current
        combo = self.library_combo
        combo.blockSignals(True)
        combo.clear()
        for name in names:
            combo.addItem(name, name)
        combo.insertSeparator(combo.count())
        combo.addItem(self.tr("New library…"), NEW_LIBRARY)
        combo.addItem(self.tr("Delete this library…"), DELETE_LIBRARY)
        combo.setCurrentIndex(max(combo.findData(current), 0))
        combo.blockSignals(False)

    def show_files(self, files: Sequence[IndexedFile]) -> None:
        self.model.set_files(files)

    def show_waiting(self, text: str) -> None:
        self.progress.show_waiting(text)

    def show_progress(self, progress: IngestProgress) -> None:
        self.progress.show_progress(progress)

    def show_idle(self, summary: str = "") -> None:
        self.progress.hide()
        if summary:
            self.summary_label.setText(summary)
            self.summary_label.show()

    def select_paths(self, paths: Sequence[str]) -> None:
        """Select the rows of these files (those listed), and scroll to the first."""
        rows = sorted({row for path in paths if (row := self.model.row_of(path)) is not None})
        if not rows:
            return
        selection = self.list.selectionModel()
        first = self.model.index(rows[0], 0)
        selection.setCurrentIndex(first, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        for row in rows[1:]:
            selection.select(self.model.index(row, 0), QItemSelectionModel.SelectionFlag.Select)
        self.list.scrollTo(first)

    def selected_paths(self) -> list[str]:
        rows = sorted(index.row() for index in self.list.selectionModel().selectedRows())
        return [self.model.file_at(row).path for row in rows]

    # --- user actions --------------------------------------------------------------

    @Slot(int)
    def on_library_activated(self, index: int) -> None:
        data = self.library_combo.itemData(index)
        if data in (NEW_LIBRARY, DELETE_LIBRARY):
            self.library_combo.setCurrentIndex(max(self.library_combo.findData(self._library), 0))
            if data == NEW_LIBRARY:
                self._ask_library_name()
            else:
                self.confirm_delete()
        elif isinstance(data, str) and data != self._library:
            self._library = data
            self.library_chosen.emit(data)

    def _ask_library_name(self) -> None:
        dialog = QInputDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowTitle(self.tr("New library"))
        dialog.setLabelText(
            self.tr("Name of the new library (files you add to it are kept apart from the others):")
        )
        dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
        dialog.textValueSelected.connect(self.library_named)
        dialog.open()

    def confirm_delete(self) -> QMessageBox:
        """Ask before deleting the library; the answer arrives later (the box is not modal
        to the event loop), as `delete_requested`."""
        library = self._library
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("Delete library"),
            self.tr(
                "Delete the library “{library}”? Confidente forgets its "
                "{count} documents and everything indexed from them. "
                "The files themselves stay where they are on your disk."
            ).format(library=library, count=self.model.rowCount()),
            QMessageBox.StandardButton.Cancel,
            self,
        )
        plain(box)  # the library's name is the user's text
        delete = box.addButton(self.tr("Delete library"), QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(
            lambda button: self.delete_requested.emit(library) if button is delete else None
        )
        box.open()
        return box

    @Slot()
    def on_add_files_clicked(self) -> None:
        dialog = self._file_dialog(self.tr("Add documents"))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.setNameFilters(
            [
                self.tr("Documents (*.pdf *.docx *.txt *.md *.markdown *.html *.htm *.csv *.rst)"),
                self.tr("All files (*)"),
            ]
        )
        dialog.filesSelected.connect(self.on_paths_picked)
        dialog.open()

    @Slot()
    def on_add_folder_clicked(self) -> None:
        dialog = self._file_dialog(self.tr("Add a folder of documents"))
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.fileSelected.connect(lambda path: self.on_paths_picked([path]))
        dialog.open()

    def _file_dialog(self, title: str) -> QFileDialog:
        dialog = QFileDialog(self, title)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
        return dialog

    @Slot(list)
    def on_paths_picked(self, paths: list[str]) -> None:
        if paths:
            self.add_requested.emit(list(paths))

    @Slot()
    def on_remove_clicked(self) -> None:
        paths = self.selected_paths()
        if paths:
            self.remove_requested.emit(paths)

    @Slot()
    def on_cancel_clicked(self) -> None:
        self.progress.cancel_button.setEnabled(False)
        self.progress.file_label.setText(self.tr("Cancelling…"))
        self.cancel_requested.emit()

    def task_menu(self, row: int) -> QMenu:
        """The context menu of the file in `row`: the document tasks on it."""
        path = self.model.file_at(row).path
        menu = QMenu(self.list)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        for kind in TASK_KINDS:
            action = menu.addAction(QCoreApplication.translate("DocumentTasks", TASK_ACTIONS[kind]))
            action.setData(kind)
            action.triggered.connect(
                lambda _=False, kind=kind: self.task_requested.emit(kind, path)
            )
        return menu

    @Slot(QPoint)
    def on_context_menu_requested(self, position: QPoint) -> None:
        index = self.list.indexAt(position)
        if index.isValid():
            self.task_menu(index.row()).popup(self.list.viewport().mapToGlobal(position))

    @Slot()
    def on_selection_changed(self) -> None:
        self.remove_button.setEnabled(self.list.selectionModel().hasSelection())

    @Slot()
    def on_rows_changed(self) -> None:
        """Rows came or went: show the list, or say how to fill it."""
        has_rows = self.model.rowCount() > 0
        self.list.setVisible(has_rows)
        self.empty_label.setVisible(not has_rows)
        self.on_selection_changed()
