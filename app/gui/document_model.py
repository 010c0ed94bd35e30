"""The files of one library: a thin Qt model over plain `IndexedFile` records.

Rows come from the catalog (`DocumentService.files`, read off the GUI thread),
plus what the last jobs reported about files the catalog does not keep (an
image in an added folder is skipped without being recorded), so the user sees
why every file they added is or is not there. While a job runs, outcomes are
applied one by one; the list is read again from the catalog when it ends.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePath

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QApplication, QStyle

from app.core.documents.records import FileOutcome, FileStatus, IndexedFile
from app.gui.item_flags import read_only_flags

AnyIndex = QModelIndex | QPersistentModelIndex

PathRole = Qt.ItemDataRole.UserRole + 1
StatusRole = Qt.ItemDataRole.UserRole + 2
ReasonRole = Qt.ItemDataRole.UserRole + 3

STATUS_WORDS = {
    "indexed": "Indexed",
    "failed": "Failed",
    "skipped": "Skipped",
    "pending": "Not finished",
    "cancelled": "Cancelled",
}
_ICONS = {
    "indexed": QStyle.StandardPixmap.SP_DialogApplyButton,
    "failed": QStyle.StandardPixmap.SP_MessageBoxWarning,
    "skipped": QStyle.StandardPixmap.SP_MessageBoxInformation,
    "pending": QStyle.StandardPixmap.SP_BrowserReload,
    "cancelled": QStyle.StandardPixmap.SP_BrowserStop,
}


def file_name(path: str) -> str:
    """The last part of a path written on any system."""
    return path.replace("\\", "/").rsplit("/", 1)[-1] or path


def describe(file: IndexedFile) -> str:
    """The second line of a row: its status, and what was read or why not."""
    if file.status == "indexed":
        parts = ["Indexed"]
        if PurePath(file.path).suffix.lower() == ".pdf":
            parts.append(f"{file.pages} page{'s' if file.pages != 1 else ''}")
        parts.append(f"{file.chunks} passage{'s' if file.chunks != 1 else ''}")
        return " · ".join(parts)
    word = STATUS_WORDS.get(file.status, file.status.capitalize())
    if not file.reason or file.reason.lower().startswith(word.lower()):
        return file.reason or word  # "Cancelled before it was read." says it already
    return f"{word}: {file.reason}"


def row_from_outcome(outcome: FileOutcome) -> IndexedFile | None:
    """How a job's outcome for one file shows in the list (None: it leaves the list)."""
    if outcome.status is FileStatus.REMOVED:
        return None
    status = "indexed" if outcome.status is FileStatus.UNCHANGED else outcome.status.value
    return IndexedFile(outcome.path, status, outcome.reason, outcome.pages, outcome.chunks, 0, 0.0)


class DocumentListModel(QAbstractListModel):
    """One row per file: its name, then its status on a second line. Read-only."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._files: list[IndexedFile] = []
        self._rows: dict[str, int] = {}  # path → row

    def set_files(self, files: Iterable[IndexedFile]) -> None:
        self.beginResetModel()
        self._files = sorted(files, key=lambda f: f.path)
        self._rows = {f.path: row for row, f in enumerate(self._files)}
        self.endResetModel()

    def files(self) -> list[IndexedFile]:
        return list(self._files)

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
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._files[row]
                self._rows = {f.path: r for r, f in enumerate(self._files)}
                self.endRemoveRows()
        elif outcome.status is FileStatus.UNCHANGED and row is not None:
            return  # the catalog's row already says more (pages, passages)
        elif row is not None:
            self._files[row] = shown
            index = self.index(row)
            self.dataChanged.emit(index, index)
        else:
            row = len(self._files)
            self.beginInsertRows(QModelIndex(), row, row)
            self._files.append(shown)
            self._rows[shown.path] = row
            self.endInsertRows()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else len(self._files)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._files):
            return None
        file = self._files[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{file_name(file.path)}\n{describe(file)}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{file_name(file.path)}: {describe(file)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{file.path}\n{describe(file)}"
        if role == Qt.ItemDataRole.DecorationRole:
            icon = _ICONS.get(file.status)
            return QApplication.style().standardIcon(icon) if icon is not None else None
        if role == PathRole:
            return file.path
        if role == StatusRole:
            return file.status
        if role == ReasonRole:
            return file.reason
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        return read_only_flags(index)
