"""The files of one library: Qt items made from plain `IndexedFile` records.

Rows come from the catalog (`DocumentService.files`, read off the GUI thread),
plus what the last jobs reported about files the catalog does not keep (an
image in an added folder is skipped without being recorded), so the user sees
why every file they added is or is not there. While a job runs, outcomes are
applied one by one; the list is read again from the catalog when it ends.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePath

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QStyle

from app.core.documents.records import FileOutcome, FileStatus, IndexedFile, file_name
from app.gui.i18n import QT_TRANSLATE_NOOP
from app.gui.item_flags import READ_ONLY_ROW
from app.gui.plain_text import plain_tooltip

PathRole = Qt.ItemDataRole.UserRole + 1
StatusRole = Qt.ItemDataRole.UserRole + 2
ReasonRole = Qt.ItemDataRole.UserRole + 3

STATUS_WORDS = {  # translated where shown
    "indexed": QT_TRANSLATE_NOOP("DocumentListModel", "Indexed"),
    "failed": QT_TRANSLATE_NOOP("DocumentListModel", "Failed"),
    "skipped": QT_TRANSLATE_NOOP("DocumentListModel", "Skipped"),
    "pending": QT_TRANSLATE_NOOP("DocumentListModel", "Not finished"),
    "cancelled": QT_TRANSLATE_NOOP("DocumentListModel", "Cancelled"),
}
_ICONS = {
    "indexed": QStyle.StandardPixmap.SP_DialogApplyButton,
    "failed": QStyle.StandardPixmap.SP_MessageBoxWarning,
    "skipped": QStyle.StandardPixmap.SP_MessageBoxInformation,
    "pending": QStyle.StandardPixmap.SP_BrowserReload,
    "cancelled": QStyle.StandardPixmap.SP_BrowserStop,
}


def describe(file: IndexedFile) -> str:
    """The second line of a row: its status, and what was read or why not."""
    translate = QCoreApplication.translate
    if file.status == "indexed":
        parts = [translate("DocumentListModel", "Indexed")]
        if PurePath(file.path).suffix.lower() == ".pdf":
            pages = (
                translate("DocumentListModel", "{count} page")
                if file.pages == 1
                else translate("DocumentListModel", "{count} pages")
            )
            parts.append(pages.format(count=file.pages))
        passages = (
            translate("DocumentListModel", "{count} passage")
            if file.chunks == 1
            else translate("DocumentListModel", "{count} passages")
        )
        parts.append(passages.format(count=file.chunks))
        return " · ".join(parts)
    english = STATUS_WORDS.get(file.status, file.status.capitalize())
    word = translate("DocumentListModel", english) if file.status in STATUS_WORDS else english
    reason = file.reason.lower()
    if not file.reason or reason.startswith((english.lower(), word.lower())):
        return file.reason or word  # "Cancelled before it was read." says it already
    return translate("DocumentListModel", "{status}: {reason}").format(
        status=word, reason=file.reason
    )


def row_from_outcome(outcome: FileOutcome) -> IndexedFile | None:
    """How a job's outcome for one file shows in the list (None: it leaves the list)."""
    if outcome.status is FileStatus.REMOVED:
        return None
    status = "indexed" if outcome.status is FileStatus.UNCHANGED else outcome.status.value
    return IndexedFile(outcome.path, status, outcome.reason, outcome.pages, outcome.chunks, 0, 0.0)


def _row_item(file: IndexedFile) -> QStandardItem:
    """A row's texts, icon and roles, computed once: painting never calls back into Python."""
    text = describe(file)
    item = QStandardItem(f"{file_name(file.path)}\n{text}")
    item.setFlags(READ_ONLY_ROW)
    item.setData(f"{file_name(file.path)}: {text}", Qt.ItemDataRole.AccessibleTextRole)
    item.setToolTip(plain_tooltip(f"{file.path}\n{text}"))  # a name may look like HTML
    icon = _ICONS.get(file.status)
    if icon is not None:
        item.setIcon(QApplication.style().standardIcon(icon))
    item.setData(file.path, PathRole)
    item.setData(file.status, StatusRole)
    item.setData(file.reason, ReasonRole)
    return item


class DocumentListModel(QStandardItemModel):
    """One row per file: its name, then its status on a second line. Read-only.

    Unlike the window's other lists, the rows live in Qt's own items rather than
    behind a Python `data()`. Laying out a word-wrapped list asks every row for
    about ten roles; with a Python `data()` each of those calls first takes the
    GIL back from the threads indexing and answering, which hold it for up to the
    switch interval each time. While one other thread ran Python, showing 200
    files took 0.13 to 3.6 s and each new row 0.15 to 2 s; with the rows in Qt,
    50 to 85 ms and about 20 ms. The Python list of files stays the source the
    rows are made from.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._files: list[IndexedFile] = []
        self._rows: dict[str, int] = {}  # path → row

    def set_files(self, files: Iterable[IndexedFile]) -> None:
        self._files = sorted(files, key=lambda f: f.path)
        self._rows = {f.path: row for row, f in enumerate(self._files)}
        self.clear()  # one reset, then one insertion of every row
        if self._files:
            self.invisibleRootItem().appendRows([_row_item(f) for f in self._files])

    def files(self) -> list[IndexedFile]:
        return list(self._files)

    def retranslate(self) -> None:
        """Make the rows again in the interface's language (their texts are computed once)."""
        for row, file in enumerate(self._files):
            self.setItem(row, 0, _row_item(file))

    def file_at(self, row: int) -> IndexedFile:
        return self._files[row]

    def row_of(self, path: str) -> int | None:
        return self._rows.get(path)

    def apply_outcome(self, outcome: FileOutcome) -> None:
        """Show one file's outcome at once; a new file goes to the end until the next reset."""
        row = self._rows.get(outcome.path)
        shown = row_from_outcome(outcome)
        if shown is None:
            if row is not None:
                del self._files[row]
                self._rows = {f.path: r for r, f in enumerate(self._files)}
                self.removeRow(row)
        elif outcome.status is FileStatus.UNCHANGED and row is not None:
            return  # the catalog's row already says more (pages, passages)
        elif row is not None:
            self._files[row] = shown
            self.setItem(row, 0, _row_item(shown))
        else:
            self._rows[shown.path] = len(self._files)
            self._files.append(shown)
            self.appendRow(_row_item(shown))
