"""What is done to one stored conversation: rename, delete, export as Markdown or PDF.

The actions are offered in the conversation list's context menu, its ⋯ button's
menu, and on keys (F2, Delete) while a list has the focus; they apply to the
conversation the panel says is current. Each asks first, in a dialog opened
with `open()` over the panel (no nested event loop runs; the methods that open
one return it), then works on the store it was given by `attach`. Every store
call and every file write goes through the window's
`TaskManager.run_in_background`; only laying out a PDF stays on the GUI thread
(see `export_pdf`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QStandardPaths, Qt, Signal, Slot
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QMenu,
    QMessageBox,
    QWidget,
)

from app.core.chat.export import conversation_markdown, write_export
from app.core.chat.storage import MAX_TITLE_LENGTH, Conversation, ConversationStore, clean_title
from app.core.errors import StorageError
from app.gui.chat.export_pdf import pdf_bytes
from app.gui.errors import show_error
from app.gui.plain_text import plain
from app.gui.tasks import TaskManager

_UNSAFE_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def suggested_file_name(title: str, suffix: str) -> str:
    """A file name made from a conversation's title, safe on every system."""
    stem = _UNSAFE_IN_FILE_NAMES.sub(" ", title)
    stem = " ".join(stem.split()).strip(". ")[:80].rstrip(". ") or QCoreApplication.translate(
        "ConversationActions", "Conversation", "the file name of an export of an untitled one"
    )
    return f"{stem}{suffix}"


class ConversationActions(QObject):
    """Renames, deletes and exports the conversation `current()` gives (id and title),
    asking first over `panel`.

    Signals:
        renamed(int, str): a conversation was renamed (id, new title) in the store.
        deleted(int): a conversation and its messages were deleted from the store.
        exported(str): a conversation was written to this file.
        status_posted(str, int): what was done, for the status bar, and for how long (ms).
    """

    renamed = Signal(int, str)
    deleted = Signal(int)
    exported = Signal(str)
    status_posted = Signal(str, int)

    def __init__(self, current: Callable[[], tuple[int, str] | None], panel: QWidget) -> None:
        super().__init__(panel)
        self._current = current
        self._panel = panel
        self._store: ConversationStore | None = None
        self._tasks: TaskManager | None = None
        self.rename_action = QAction(panel)
        self.rename_action.setShortcut(QKeySequence(Qt.Key.Key_F2))
        self.rename_action.triggered.connect(self.ask_rename)
        self.delete_action = QAction(panel)
        self.delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.delete_action.triggered.connect(self.confirm_delete)
        self.export_markdown_action = QAction(panel)
        self.export_markdown_action.triggered.connect(self.ask_export_markdown)
        self.export_pdf_action = QAction(panel)
        self.export_pdf_action.triggered.connect(self.ask_export_pdf)
        self.all = (
            self.rename_action,
            self.delete_action,
            self.export_markdown_action,
            self.export_pdf_action,
        )
        # Rename and Delete also on keys, for the lists they are added to (`add_keys_to`).
        self.keyed = (self.rename_action, self.delete_action)
        for action in self.keyed:
            # Only while a list has the focus: Delete in the search field deletes text.
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.menu = QMenu(panel)
        self.menu.addActions([self.rename_action, self.delete_action])
        self.menu.addSeparator()
        self.menu.addActions([self.export_markdown_action, self.export_pdf_action])
        self.retranslate()

    def retranslate(self) -> None:
        """The actions' texts in the interface's language (the panel calls this)."""
        self.rename_action.setText(self.tr("Rename…"))
        self.delete_action.setText(self.tr("Delete…"))
        self.export_markdown_action.setText(self.tr("Export as Markdown…"))
        self.export_pdf_action.setText(self.tr("Export as PDF…"))

    def attach(self, store: ConversationStore, tasks: TaskManager) -> None:
        """Work on `store`, through `tasks`; until then the actions do nothing."""
        self._store = store
        self._tasks = tasks

    def set_enabled(self, enabled: bool) -> None:
        for action in self.all:
            action.setEnabled(enabled)

    # --- rename --------------------------------------------------------------------

    @Slot()
    def ask_rename(self) -> QInputDialog | None:
        """Ask for the current conversation's new title; OK is refused while it is empty."""
        target = self._current()
        if target is None or self._store is None:
            return None
        conversation_id, title = target
        dialog = QInputDialog(self._panel)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowTitle(self.tr("Rename conversation"))
        dialog.setLabelText(self.tr("New title:"))
        dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
        dialog.setTextValue(title)
        dialog.textValueSelected.connect(lambda text: self.rename(conversation_id, text))
        dialog.open()
        editor = dialog.findChild(QLineEdit)
        if editor is not None:
            editor.setMaxLength(MAX_TITLE_LENGTH)
            editor.selectAll()
        buttons = dialog.findChild(QDialogButtonBox)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok) if buttons is not None else None
        if ok is not None:
            dialog.textValueChanged.connect(lambda text: ok.setEnabled(bool(text.strip())))
        return dialog

    def rename(self, conversation_id: int, title: str) -> None:
        """Store the new title (an empty or too long one is refused and said why)."""
        if self._store is None or self._tasks is None:
            return
        try:
            title = clean_title(title)
        except StorageError as error:
            show_error(self._panel, error, title=self.tr("Rename conversation"))
            return
        store = self._store
        self._tasks.run_in_background(
            lambda: store.rename_conversation(conversation_id, title),
            self._on_renamed,
        )

    def _on_renamed(self, conversation: Conversation) -> None:
        self.renamed.emit(conversation.id, conversation.title)
        self.status_posted.emit(
            self.tr("Renamed to “{title}”.").format(title=conversation.title), 5000
        )

    # --- delete --------------------------------------------------------------------

    @Slot()
    def confirm_delete(self) -> QMessageBox | None:
        """Ask before deleting the current conversation; once confirmed it is deleted and
        `deleted` follows."""
        target = self._current()
        if target is None or self._store is None:
            return None
        conversation_id, title = target
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("Delete conversation"),
            self.tr(
                "Delete the conversation “{title}” and all its messages? They are erased from "
                "this computer and cannot be recovered."
            ).format(title=title),
            QMessageBox.StandardButton.Cancel,
            self._panel,
        )
        plain(box)  # the title is the user's (or a document's) text
        delete = box.addButton(
            self.tr("Delete conversation"), QMessageBox.ButtonRole.DestructiveRole
        )
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(
            lambda button: self.delete(conversation_id) if button is delete else None
        )
        box.open()
        return box

    def delete(self, conversation_id: int) -> None:
        """Delete the conversation from the store, without asking."""
        if self._store is None or self._tasks is None:
            return
        store = self._store
        self._tasks.run_in_background(
            lambda: store.delete_conversation(conversation_id),
            lambda _: self._on_deleted(conversation_id),
        )

    def _on_deleted(self, conversation_id: int) -> None:
        self.deleted.emit(conversation_id)
        self.status_posted.emit(self.tr("Conversation deleted."), 5000)

    # --- export --------------------------------------------------------------------

    def _on_exported(self, path: str) -> None:
        self.exported.emit(path)
        self.status_posted.emit(
            self.tr("Conversation exported to {path}").format(path=path), 10_000
        )

    @Slot()
    def ask_export_markdown(self) -> QFileDialog | None:
        return self._ask_export_path(
            self.tr("Export as Markdown"), ".md", "Markdown (*.md)", markdown=True
        )

    @Slot()
    def ask_export_pdf(self) -> QFileDialog | None:
        return self._ask_export_path(
            self.tr("Export as PDF"), ".pdf", "PDF (*.pdf)", markdown=False
        )

    def _ask_export_path(
        self, caption: str, suffix: str, name_filter: str, *, markdown: bool
    ) -> QFileDialog | None:
        target = self._current()
        if target is None or self._store is None:
            return None
        conversation_id, title = target
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        dialog = QFileDialog(self._panel, caption)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setNameFilter(name_filter)
        dialog.setDefaultSuffix(suffix.lstrip("."))
        if folder:
            dialog.setDirectory(folder)
        dialog.selectFile(suggested_file_name(title, suffix))
        export = self.export_markdown if markdown else self.export_pdf
        dialog.fileSelected.connect(lambda path: export(conversation_id, Path(path)))
        dialog.open()
        return dialog

    def export_markdown(self, conversation_id: int, path: Path) -> None:
        """Write the conversation as Markdown to `path`, in the background."""
        if self._store is None or self._tasks is None:
            return
        store = self._store

        def write() -> str:
            conversation = store.get_conversation(conversation_id)
            write_export(path, conversation_markdown(conversation, store.messages(conversation_id)))
            return str(path)

        self._tasks.run_in_background(write, self._on_exported)

    def export_pdf(self, conversation_id: int, path: Path) -> None:
        """Write the conversation as PDF to `path`: read in the background, laid out here
        (fast, see `export_pdf`), written to disk in the background."""
        if self._store is None or self._tasks is None:
            return
        store = self._store
        tasks = self._tasks

        def read() -> tuple[str, str]:
            conversation = store.get_conversation(conversation_id)
            markdown = conversation_markdown(conversation, store.messages(conversation_id))
            return conversation.title, markdown

        def lay_out(read_back: tuple[str, str]) -> None:
            title, markdown = read_back
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                data = pdf_bytes(markdown, title)
            finally:
                QGuiApplication.restoreOverrideCursor()

            def write() -> str:
                write_export(path, data)
                return str(path)

            tasks.run_in_background(write, self._on_exported)

        tasks.run_in_background(read, lay_out)
