"""The small dialogs that ask a document task's options: summarise, extract, compare, translate.

A dialog only collects what the user chose, as a `TaskRequest`; it starts
nothing. Bad input (a page range that is not one, no field to extract, no
other document) is said inline, under the options, and the dialog stays open.
Dialogs are opened with `open()`, so no nested event loop runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.documents.language import Language
from app.core.documents.records import file_name
from app.core.tasks.extract import TEMPLATES
from app.core.tasks.pages import PageRange, TaskError, parse_page_range
from app.core.tasks.summarize import SummaryLength
from app.gui.i18n import QT_TRANSLATE_NOOP, Retranslated
from app.gui.plain_text import plain

TaskKind = Literal["summarize", "extract", "compare", "translate"]
TASK_KINDS: tuple[TaskKind, ...] = ("summarize", "extract", "compare", "translate")
# The context menu's entries and the result windows' titles (translated where shown).
TASK_ACTIONS: dict[TaskKind, str] = {
    "summarize": QT_TRANSLATE_NOOP("DocumentTasks", "Summarise…"),
    "extract": QT_TRANSLATE_NOOP("DocumentTasks", "Extract into a table…"),
    "compare": QT_TRANSLATE_NOOP("DocumentTasks", "Compare with…"),
    "translate": QT_TRANSLATE_NOOP("DocumentTasks", "Translate…"),
}
TEMPLATE_NAMES = {  # the TEMPLATES of app.core.tasks.extract, as the user reads them
    "contract": QT_TRANSLATE_NOOP("ExtractDialog", "Contract"),
    "guideline": QT_TRANSLATE_NOOP("ExtractDialog", "Clinical guideline"),
    "report": QT_TRANSLATE_NOOP("ExtractDialog", "Lab report"),
}
CUSTOM = ""  # item data of the "Custom" template
OTHER_FILE = "\x00other"  # item data of the "Other file…" entry (no path has a NUL)


@dataclass(frozen=True)
class TaskRequest:
    """What the user asked for; only the options of its `kind` matter."""

    kind: TaskKind
    path: str
    pages: PageRange | None = None
    length: SummaryLength = "short"
    fields: tuple[str, ...] = ()
    other: str = ""  # compare: the other document (the newer one)
    target: Language = "en"


class TaskDialog(Retranslated, QDialog):
    """Options of one task on `path`, with OK/Cancel and a line for what is wrong.

    Signals:
        requested(object): the user confirmed valid options (a `TaskRequest`).
    """

    requested = Signal(object)
    kind: TaskKind = "summarize"
    has_pages = True

    def __init__(self, path: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.path = path
        self.document_label = QLabel(file_name(path))
        plain(self.document_label)  # file names are untrusted
        self.form = QFormLayout()
        self.form.addRow(self.document_label)
        self.pages_edit = QLineEdit()
        self.pages_edit.setClearButtonEnabled(True)
        self.pages_label = QLabel()
        self.error_label = QLabel()
        plain(self.error_label)  # the message quotes what the user typed
        self.error_label.setWordWrap(True)
        self.error_label.setObjectName("taskProblem")
        self.error_label.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._add_options()
        if self.has_pages:
            self.form.addRow(self.pages_label, self.pages_edit)
            self.pages_edit.textChanged.connect(self.error_label.hide)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.retranslate()

    def _add_options(self) -> None:
        """Add the task's own rows to `self.form`."""

    def retranslate(self) -> None:
        self.setWindowTitle(
            QCoreApplication.translate("DocumentTasks", TASK_ACTIONS[self.kind]).rstrip("…")
        )
        self.pages_label.setText(self.tr("Pages:"))
        self.pages_edit.setPlaceholderText(self.tr("all (or a range such as 3-7)"))
        self.pages_edit.setAccessibleName(self.tr("Pages"))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Start"))

    def pages(self) -> PageRange | None:
        """The page range typed, None for all; TaskError when it is not a range."""
        text = self.pages_edit.text().strip()
        if not text:
            return None
        try:
            return parse_page_range(text)
        except TaskError:
            message = self.tr("“{text}” is not a page range: write it as 3-7, or 4 for one page.")
            raise TaskError(message.format(text=text)) from None

    def request(self) -> TaskRequest:
        """The options as a request; TaskError (its message for the user) when one is wrong."""
        return TaskRequest(self.kind, self.path, pages=self.pages())

    def show_problem(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    @Slot()
    def accept(self) -> None:
        try:
            request = self.request()
        except TaskError as error:
            self.show_problem(error.message)
            return
        super().accept()
        self.requested.emit(request)


class SummariseDialog(TaskDialog):
    kind: TaskKind = "summarize"

    def _add_options(self) -> None:
        self.length_combo = QComboBox()
        self.length_label = QLabel()
        self.form.addRow(self.length_label, self.length_combo)

    def retranslate(self) -> None:
        super().retranslate()
        self.length_label.setText(self.tr("Length:"))
        self.length_combo.setAccessibleName(self.tr("Length"))
        current = self.length_combo.currentIndex()
        self.length_combo.clear()
        for length, text in (
            ("short", self.tr("Short: a few key points")),
            ("page", self.tr("About one page")),
            ("sections", self.tr("A few points per section")),
        ):
            self.length_combo.addItem(text, length)
        self.length_combo.setCurrentIndex(max(current, 0))

    def request(self) -> TaskRequest:
        length: SummaryLength = self.length_combo.currentData()
        return TaskRequest(self.kind, self.path, pages=self.pages(), length=length)


class ExtractDialog(TaskDialog):
    kind: TaskKind = "extract"

    def _add_options(self) -> None:
        self.template_combo = QComboBox()
        self.template_label = QLabel()
        self.fields_edit = QLineEdit()
        self.fields_label = QLabel()
        self.form.addRow(self.template_label, self.template_combo)
        self.form.addRow(self.fields_label, self.fields_edit)
        self.template_combo.activated.connect(self.on_template_chosen)
        self.fields_edit.textEdited.connect(self.on_fields_edited)
        self.fields_edit.textChanged.connect(self.error_label.hide)

    def retranslate(self) -> None:
        super().retranslate()
        self.template_label.setText(self.tr("Template:"))
        self.template_combo.setAccessibleName(self.tr("Template"))
        self.fields_label.setText(self.tr("Fields:"))
        self.fields_edit.setAccessibleName(self.tr("Fields"))
        self.fields_edit.setPlaceholderText(self.tr("comma-separated, e.g. parties, dates"))
        current = self.template_combo.currentIndex()
        self.template_combo.clear()
        for name in TEMPLATES:
            label = self.tr(TEMPLATE_NAMES[name]) if name in TEMPLATE_NAMES else name
            self.template_combo.addItem(label, name)
        self.template_combo.addItem(self.tr("Custom"), CUSTOM)
        self.template_combo.setCurrentIndex(current if current >= 0 else self.custom_index())

    def custom_index(self) -> int:
        return self.template_combo.findData(CUSTOM)

    @Slot(int)
    def on_template_chosen(self, index: int) -> None:
        name = self.template_combo.itemData(index)
        if name in TEMPLATES:
            self.fields_edit.setText(", ".join(TEMPLATES[name]))

    @Slot(str)
    def on_fields_edited(self, text: str) -> None:
        """Fields typed by hand make the template a custom one."""
        name = self.template_combo.currentData()
        if name in TEMPLATES and text != ", ".join(TEMPLATES[name]):
            self.template_combo.setCurrentIndex(self.custom_index())

    def fields(self) -> tuple[str, ...]:
        named = (f.strip() for f in self.fields_edit.text().split(","))
        return tuple(dict.fromkeys(f for f in named if f))

    def request(self) -> TaskRequest:
        fields = self.fields()
        if not fields:
            raise TaskError(self.tr("Name at least one field, or pick a template."))
        return TaskRequest(self.kind, self.path, pages=self.pages(), fields=fields)


class CompareDialog(TaskDialog):
    """The other document: one of the library's files, or any file picked from disk."""

    kind: TaskKind = "compare"
    has_pages = False

    def __init__(
        self, path: str, library_files: Sequence[str], parent: QWidget | None = None
    ) -> None:
        self._library_files = [p for p in library_files if p != path]
        super().__init__(path, parent)

    def _add_options(self) -> None:
        self.other_combo = QComboBox()
        self.other_label = QLabel()
        self.form.addRow(self.other_label, self.other_combo)
        for other in self._library_files:
            self.other_combo.addItem(file_name(other), other)
            self.other_combo.setItemData(
                self.other_combo.count() - 1, other, Qt.ItemDataRole.ToolTipRole
            )
        self.other_combo.addItem("", OTHER_FILE)
        self.other_combo.activated.connect(self.on_other_activated)
        self.other_combo.currentIndexChanged.connect(self.error_label.hide)

    def retranslate(self) -> None:
        super().retranslate()
        self.other_label.setText(self.tr("Compare with:"))
        self.other_combo.setAccessibleName(self.tr("Document to compare with"))
        self.other_combo.setToolTip(
            self.tr("The newer version: what it added, removed, changed or moved is listed")
        )
        index = self.other_combo.findData(OTHER_FILE)
        if index >= 0:
            self.other_combo.setItemText(index, self.tr("Other file…"))

    def add_other(self, path: str) -> None:
        """List `path` (if new) and choose it."""
        index = self.other_combo.findData(path)
        if index < 0:
            index = self.other_combo.findData(OTHER_FILE)
            self.other_combo.insertItem(index, file_name(path), path)
            self.other_combo.setItemData(index, path, Qt.ItemDataRole.ToolTipRole)
        self.other_combo.setCurrentIndex(index)

    @Slot(int)
    def on_other_activated(self, index: int) -> None:
        if self.other_combo.itemData(index) != OTHER_FILE:
            return
        dialog = QFileDialog(self, self.tr("Compare with"))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(self.add_other)
        dialog.open()

    def request(self) -> TaskRequest:
        other = self.other_combo.currentData()
        if not isinstance(other, str) or other in (OTHER_FILE, ""):
            raise TaskError(self.tr("Choose the document to compare with."))
        if other == self.path:
            raise TaskError(self.tr("Choose another document than this one."))
        return TaskRequest(self.kind, self.path, other=other)


class TranslateDialog(TaskDialog):
    kind: TaskKind = "translate"

    def _add_options(self) -> None:
        self.target_combo = QComboBox()
        self.target_label = QLabel()
        self.form.addRow(self.target_label, self.target_combo)

    def retranslate(self) -> None:
        super().retranslate()
        self.target_label.setText(self.tr("Translate to:"))
        self.target_combo.setAccessibleName(self.tr("Target language"))
        current = self.target_combo.currentIndex()
        self.target_combo.clear()
        self.target_combo.addItem(self.tr("English"), "en")
        self.target_combo.addItem(self.tr("Spanish"), "es")
        self.target_combo.setCurrentIndex(max(current, 0))

    def request(self) -> TaskRequest:
        target: Language = self.target_combo.currentData()
        return TaskRequest(self.kind, self.path, pages=self.pages(), target=target)


def task_dialog(
    kind: TaskKind, path: str, library_files: Sequence[str], parent: QWidget | None = None
) -> TaskDialog:
    """The options dialog of `kind` for the document `path`."""
    if kind == "compare":
        return CompareDialog(path, library_files, parent)
    dialogs: dict[TaskKind, type[TaskDialog]] = {
        "summarize": SummariseDialog,
        "extract": ExtractDialog,
        "translate": TranslateDialog,
    }
    return dialogs[kind](path, parent)
