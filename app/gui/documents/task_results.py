"""A document task's window: its progress and Cancel while it runs, then its result.

One non-modal window per task. While the job runs it shows "parts done /
total" and a Cancel button; partial results (the job's `Update`s) are shown as
they come, so a cancelled task keeps what it finished. The result is shown by
a view of its kind: a summary as text whose points show their pages, an
extraction as a table (field, value, page, check), a comparison as a list of
differences with the diff of the one selected, a translation as text.

Export writes the result with the core's writers (`Extraction.to_csv`,
`to_markdown`, `app.core.tasks.render`) off the GUI thread; a file that
cannot be written is said in a message box.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtGui import QBrush, QCloseEvent, QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core import atomic
from app.core.documents.records import file_name
from app.core.tasks.compare import Comparison, Difference
from app.core.tasks.extract import Extraction
from app.core.tasks.render import comparison_markdown, summary_markdown
from app.core.tasks.summarize import Summary
from app.core.tasks.translate import Translation
from app.core.worker import Failed
from app.gui.documents.task_dialogs import TASK_ACTIONS, TaskRequest
from app.gui.errors import show_error
from app.gui.i18n import QT_TRANSLATE_NOOP, Retranslated
from app.gui.plain_text import plain
from app.gui.tasks import JobBridge, TaskManager

KIND_NAMES = {  # the differences' kinds, translated where shown
    "added": QT_TRANSLATE_NOOP("TaskResultWindow", "Added"),
    "removed": QT_TRANSLATE_NOOP("TaskResultWindow", "Removed"),
    "changed": QT_TRANSLATE_NOOP("TaskResultWindow", "Changed"),
    "moved": QT_TRANSLATE_NOOP("TaskResultWindow", "Moved"),
}
TABLE_COLUMNS = (
    QT_TRANSLATE_NOOP("TaskResultWindow", "Field"),
    QT_TRANSLATE_NOOP("TaskResultWindow", "Value"),
    QT_TRANSLATE_NOOP("TaskResultWindow", "Page"),
    QT_TRANSLATE_NOOP("TaskResultWindow", "Check"),
)


def _tr(text: str) -> str:
    return QCoreApplication.translate("TaskResultWindow", text)


def pages_text(pages: tuple[int | None, ...]) -> str:
    """'p. 3', 'pp. 3, 5', or '' for a file without pages."""
    numbers = [str(p) for p in pages if p is not None]
    if not numbers:
        return ""
    if len(numbers) == 1:
        return QCoreApplication.translate("TaskResultWindow", "p. {pages}").format(pages=numbers[0])
    return QCoreApplication.translate("TaskResultWindow", "pp. {pages}").format(
        pages=", ".join(numbers)
    )


def summary_text(summary: Summary) -> str:
    """The points, one a line, each with its [n] and pages; sections as headings."""
    lines: list[str] = []
    heading: object = object()
    for point in summary.points:
        if summary.length == "sections" and point.section != heading:
            heading = point.section
            if lines:
                lines.append("")
            lines.append(
                point.section or QCoreApplication.translate("TaskResultWindow", "Beginning")
            )
        marks = "".join(f"[{n}]" for n in point.sources)
        where = pages_text(point.pages)
        lines.append(f"• {' '.join(point.text.split())} {marks}" + (f" ({where})" if where else ""))
    return "\n".join(lines)


def difference_title(difference: Difference) -> str:
    """'Changed — 3. Payment (old p. 2 → new p. 3)'."""
    kind = _tr(KIND_NAMES[difference.kind])
    if difference.moved:
        kind = QCoreApplication.translate("TaskResultWindow", "{kind}, moved").format(kind=kind)
    sides = []
    if difference.old_page is not None:
        sides.append(
            QCoreApplication.translate("TaskResultWindow", "old p. {page}").format(
                page=difference.old_page
            )
        )
    if difference.new_page is not None:
        sides.append(
            QCoreApplication.translate("TaskResultWindow", "new p. {page}").format(
                page=difference.new_page
            )
        )
    heading = " ".join(difference.heading.split())
    return f"{kind} — {heading}" + (f" ({' → '.join(sides)})" if sides else "")


def translation_text(translation: Translation) -> str:
    parts = []
    for page in translation.pages:
        header = ""
        if page.number is not None:
            header = QCoreApplication.translate("TaskResultWindow", "— Page {page} —").format(
                page=page.number
            )
        if not page.translated:
            header += (" " if header else "") + QCoreApplication.translate(
                "TaskResultWindow", "(partly kept in the original)"
            )
        parts.append((header + "\n" if header else "") + page.text.strip())
    return "\n\n".join(parts)


@dataclass(frozen=True)
class ExportFormat:
    label: str  # the button's text (translated)
    name_filter: str  # for the file dialog
    suffix: str
    write: Callable[[Any], str]  # the result as the file's text


_SAME_FILE = "\0same file"  # what _write_file returns for the document itself


def _write_file(path: Path, text: str, document: Path) -> str:
    """Runs off the GUI thread: write `text`, or return why not (the OSError's message,
    or _SAME_FILE: the result never replaces the document it came from)."""
    try:
        if path.resolve() == document.resolve():
            return _SAME_FILE
        atomic.write_text(path, text)
    except OSError as error:
        return error.strerror or str(error)
    return ""


class TaskResultWindow(Retranslated, QWidget):
    """One task: progress and Cancel while it runs, its result and Export after.

    Signals:
        ended(object): the job ended with this result (partial when cancelled), or
            a `Failed`; the window stays open.
        add_requested(str): the user asked to add the saved translation (this
            path) to the library.
    """

    ended = Signal(object)
    add_requested = Signal(str)

    def __init__(
        self, request: TaskRequest, bridge: JobBridge, tasks: TaskManager, parent: QWidget | None
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.request = request
        self.bridge: JobBridge | None = bridge
        self._tasks = tasks
        self.result: Any = None
        self.running = True
        self.cancelled = False
        self._differences: list[Difference] = []  # compare: found so far
        self.resize(720, 520)

        self.title_label = QLabel()
        plain(self.title_label)  # file names are untrusted
        self.title_label.setWordWrap(True)
        font = QFont(self.title_label.font())
        font.setBold(True)
        self.title_label.setFont(font)
        self.status_label = QLabel()
        plain(self.status_label)
        self.status_label.setWordWrap(True)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 0)  # busy until the first report
        self.progress_bar.setFormat("%v / %m")
        self.cancel_button = QPushButton()
        self.export_buttons: list[QPushButton] = []
        self.view = self._make_view()

        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress_bar, 1)
        progress_row.addWidget(self.cancel_button)
        self.export_row = QHBoxLayout()
        self.export_row.addStretch(1)
        for export in self.export_formats():
            button = QPushButton(export.label)
            button.setEnabled(False)
            button.clicked.connect(lambda _=False, e=export: self.on_export_clicked(e))
            self.export_buttons.append(button)
            self.export_row.addWidget(button)
        self.saved: Path | None = None  # where the result was last saved
        self.add_button = QPushButton()  # a saved translation: into the library
        self.add_button.hide()
        self.add_button.clicked.connect(self.on_add_clicked)
        self.export_row.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addLayout(progress_row)
        layout.addWidget(self.status_label)
        layout.addWidget(self.view, 1)
        layout.addLayout(self.export_row)

        self.cancel_button.clicked.connect(self.on_cancel_clicked)
        bridge.progress_made.connect(self.on_progress)
        bridge.updated.connect(self.on_updated)
        bridge.finished.connect(self.on_finished)
        bridge.failed.connect(self.on_failed)
        self.retranslate()

    # --- the view of each kind -------------------------------------------------------

    def _make_view(self) -> QWidget:
        kind = self.request.kind
        if kind == "extract":
            self.table = QTableWidget(0, len(TABLE_COLUMNS))
            self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            self.table.verticalHeader().hide()
            header = self.table.horizontalHeader()
            header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
            self.table.setWordWrap(True)
            return self.table
        if kind == "compare":
            self.differences_list = QListWidget()
            self.diff_view = QPlainTextEdit()
            self.diff_view.setReadOnly(True)
            self.diff_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
            self.differences_list.currentRowChanged.connect(self.on_difference_chosen)
            splitter = QSplitter(Qt.Orientation.Vertical)
            splitter.addWidget(self.differences_list)
            splitter.addWidget(self.diff_view)
            splitter.setSizes([220, 260])
            return splitter
        self.text_view = QPlainTextEdit()
        self.text_view.setReadOnly(True)
        return self.text_view

    def export_formats(self) -> list[ExportFormat]:
        kind = self.request.kind
        markdown = self.tr("Markdown (*.md)")
        if kind == "extract":
            return [
                ExportFormat(self.tr("Export CSV…"), self.tr("CSV (*.csv)"), ".csv", _csv),
                ExportFormat(self.tr("Export Markdown…"), markdown, ".md", _extraction_md),
            ]
        if kind == "compare":
            return [ExportFormat(self.tr("Export Markdown…"), markdown, ".md", _comparison_md)]
        if kind == "translate":
            return [ExportFormat(self.tr("Export Markdown…"), markdown, ".md", _translation_md)]
        path = self.request.path
        return [
            ExportFormat(
                self.tr("Export Markdown…"), markdown, ".md", lambda s: summary_markdown(s, path)
            )
        ]

    def retranslate(self) -> None:
        action = QCoreApplication.translate("DocumentTasks", TASK_ACTIONS[self.request.kind])
        name = file_name(self.request.path)
        if self.request.kind == "compare":
            title = self.tr("{old} → {new}").format(old=name, new=file_name(self.request.other))
        else:
            title = name
        self.setWindowTitle(f"{action.rstrip('…')} — {title}")
        self.title_label.setText(title)
        self.cancel_button.setText(self.tr("Cancel"))
        self.add_button.setText(self.tr("Add to the library"))
        self.cancel_button.setAccessibleName(self.tr("Cancel this task"))
        self.progress_bar.setAccessibleName(self.tr("Parts done"))
        if self.request.kind == "extract":
            self.table.setHorizontalHeaderLabels([self.tr(c) for c in TABLE_COLUMNS])
            self.table.setAccessibleName(self.tr("Extracted fields"))
        elif self.request.kind == "compare":
            self.differences_list.setAccessibleName(self.tr("Differences"))
            self.diff_view.setAccessibleName(self.tr("What changed"))
        else:
            self.text_view.setAccessibleName(self.tr("Result"))
        for button, export in zip(self.export_buttons, self.export_formats(), strict=True):
            button.setText(export.label)
        if self.result is not None:
            self._show(self.result)
        if self.running and not self.cancelled:
            self.status_label.setText(self.tr("Working…"))

    # --- the job's events ------------------------------------------------------------

    @Slot(str, int, int)
    def on_progress(self, label: str, done: int, total: int) -> None:
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(done)
        if not self.cancelled:
            texts = {
                "pages": self.tr("{done} of {total} pages done"),
                "sections": self.tr("{done} of {total} sections compared"),
                "combining": self.tr("Combining the points: {done} of {total}"),
            }
            text = texts.get(label, self.tr("{done} of {total} parts done"))
            self.status_label.setText(text.format(done=done, total=total))

    @Slot(object)
    def on_updated(self, value: object) -> None:
        if isinstance(value, Difference):
            self._differences.append(value)
            self._show_differences(self._differences)
        else:
            self._show(value)

    @Slot(object)
    def on_finished(self, result: object) -> None:
        self._end()
        self.result = result
        self._show(result)
        partial = bool(getattr(result, "partial", False))
        self.status_label.setText(
            self.tr("Stopped: only the parts done before Cancel are shown.")
            if partial
            else self.tr("Done.")
        )
        for button in self.export_buttons:
            button.setEnabled(True)
        self.ended.emit(result)

    @Slot(object)
    def on_failed(self, failed: Failed) -> None:
        self._end()
        self.status_label.setText(
            self.tr("The task failed: {message}").format(
                message=str(getattr(failed.error, "message", failed.error))
            )
        )
        if not failed.expected:
            show_error(self, failed.error, failed.report)
        self.ended.emit(failed)

    def _end(self) -> None:
        self.running = False
        self.bridge = None
        self.progress_bar.hide()
        self.cancel_button.hide()

    @Slot()
    def on_cancel_clicked(self) -> None:
        if self.bridge is None:
            return
        self.cancelled = True
        self.cancel_button.setEnabled(False)
        self.status_label.setText(self.tr("Cancelling…"))
        self.bridge.cancel()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing a running task cancels it; nothing more is shown here."""
        if self.bridge is not None:
            self.bridge.cancel()
            self.bridge.detach()
            self.bridge = None
        super().closeEvent(event)

    # --- showing a result ------------------------------------------------------------

    def _show(self, result: object) -> None:
        if isinstance(result, Summary):
            self.text_view.setPlainText(summary_text(result))
        elif isinstance(result, Translation):
            self.text_view.setPlainText(translation_text(result))
        elif isinstance(result, Extraction):
            self._show_extraction(result)
        elif isinstance(result, Comparison):
            self._differences = list(result.differences)
            self._show_differences(self._differences)
            if not result.differences:
                self.diff_view.setPlainText(self.tr("No differences."))

    def _show_extraction(self, extraction: Extraction) -> None:
        table = self.table
        table.setRowCount(len(extraction.rows))
        flagged = QBrush(self.palette().color(QPalette.ColorRole.Highlight).lighter(170))
        for row, item in enumerate(extraction.rows):
            cell = item.cell
            page = "" if cell.page is None else str(cell.page)
            if not cell.found:
                check = self.tr("not found")
            elif cell.unverified:
                check = self.tr("⚠ not on the cited page: check by hand")
            else:
                check = self.tr("✓ on the page")
            value = cell.value if cell.found else "—"
            source = f" [{cell.n}]" if cell.n is not None else ""
            for column, text in enumerate((item.field, value, page + source, check)):
                table_item = QTableWidgetItem(text)
                if cell.unverified:
                    table_item.setBackground(flagged)
                    table_item.setToolTip(
                        self.tr(
                            "Numbers, dates or names in this value are not on page {page}"
                        ).format(page=page)
                    )
                table.setItem(row, column, table_item)
        table.resizeColumnToContents(0)
        table.resizeColumnToContents(2)
        table.resizeColumnToContents(3)
        table.resizeRowsToContents()

    def _show_differences(self, differences: list[Difference]) -> None:
        current = max(self.differences_list.currentRow(), 0)
        self.differences_list.clear()
        for difference in differences:
            marks = "".join(f"[{n}]" for n in difference.sources)
            item = QListWidgetItem(f"{difference_title(difference)} {marks}".rstrip())
            item.setData(Qt.ItemDataRole.UserRole, difference.kind)
            self.differences_list.addItem(item)
        if differences:
            self.differences_list.setCurrentRow(min(current, len(differences) - 1))

    @Slot(int)
    def on_difference_chosen(self, row: int) -> None:
        if 0 <= row < len(self._differences):
            difference = self._differences[row]
            self.diff_view.setPlainText(
                difference_title(difference) + "\n\n" + difference.diff.rstrip()
            )
        else:
            self.diff_view.clear()

    # --- export ----------------------------------------------------------------------

    def on_export_clicked(self, export: ExportFormat) -> None:
        dialog = QFileDialog(self, self.tr("Export"))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilters([export.name_filter])
        dialog.setDefaultSuffix(export.suffix.lstrip("."))
        dialog.selectFile(Path(self.request.path).stem + export.suffix)
        dialog.fileSelected.connect(lambda path: self.export_to(Path(path), export))
        dialog.open()

    def export_to(self, path: Path, export: ExportFormat) -> None:
        """Write the result to `path` in `export`'s format, off the GUI thread."""
        if self.result is None:
            return
        text = export.write(self.result)
        document = Path(self.request.path)
        self.status_label.setText(self.tr("Saving {name}…").format(name=path.name))
        self._tasks.run_in_background(
            lambda: _write_file(path, text, document), lambda error: self._on_written(path, error)
        )

    def _on_written(self, path: Path, error: str) -> None:
        if not shiboken6.isValid(self):  # closed while the file was written
            return
        if error == _SAME_FILE:
            self._export_failed(path, self.tr("that is the document itself"))
        elif error:
            self._export_failed(path, error)
        else:
            self.status_label.setText(self.tr("Saved to {path}").format(path=str(path)))
            if self.request.kind == "translate":
                self.saved = path
                self.add_button.setEnabled(True)
                self.add_button.show()

    @Slot()
    def on_add_clicked(self) -> None:
        if self.saved is not None:
            self.add_button.setEnabled(False)  # once: the library says how it went
            self.status_label.setText(
                self.tr("Adding {name} to the library…").format(name=self.saved.name)
            )
            self.add_requested.emit(str(self.saved))

    def _export_failed(self, path: Path, reason: str) -> None:
        self.status_label.setText(self.tr("Not saved."))
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("Export failed"),
            self.tr("{path} could not be written: {reason}").format(path=str(path), reason=reason),
            QMessageBox.StandardButton.Ok,
            self,
        )
        plain(box)  # the path is the user's
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()


def _csv(result: Extraction) -> str:
    return result.to_csv()


def _extraction_md(result: Extraction) -> str:
    return result.to_markdown()


def _comparison_md(result: Comparison) -> str:
    return comparison_markdown(result)


def _translation_md(result: Translation) -> str:
    return result.to_markdown()
