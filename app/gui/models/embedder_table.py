"""What the Models dialog lists of embedding models: one row per model, installed or not.

The built-in model comes first, then the catalog's in its order (installed, paused or
not downloaded), then any other downloaded one. `EmbedderTableModel` is a thin Qt
table over these plain rows; like the chat models' tables (`model_tables`), it reads
nothing: the rows come from core's `ModelService.overview()`, gathered off the GUI
thread.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar, Final

from PySide6.QtCore import QCoreApplication, QLocale, QObject, Qt
from PySide6.QtWidgets import QApplication, QStyle

from app.core.models.embedders import InstalledEmbedder
from app.core.models.model_catalog import EmbedderEntry
from app.core.models.service import ModelsOverview
from app.gui.i18n import QT_TRANSLATE_NOOP
from app.gui.models.tables import (
    ActiveRole,
    AnyIndex,
    DownloadTableModel,
    KeyRole,
    bold_font,
    format_size,
)

# The languages a reader of this app cares about most, named in the interface's language.
LANGUAGE_WORDS: Final = {
    "en": QT_TRANSLATE_NOOP("EmbedderTableModel", "English"),
    "es": QT_TRANSLATE_NOOP("EmbedderTableModel", "Spanish"),
}


@dataclass(frozen=True)
class EmbedderRow:
    """An embedding model as the dialog lists it: installed, in the catalog, or both."""

    id: str  # what ModelService.download, use_embedder and remove_embedder take
    installed: InstalledEmbedder | None
    entry: EmbedderEntry | None  # its catalog entry, if the catalog lists it
    partial_bytes: int = 0  # of a paused download

    @property
    def builtin(self) -> bool:
        return self.installed is not None and self.installed.source == "builtin"

    @property
    def removable(self) -> bool:
        return self.installed is not None and self.installed.removable

    @property
    def name(self) -> str:
        if self.entry is not None:
            return self.entry.name
        return self.installed.name if self.installed is not None else self.id

    @property
    def size_bytes(self) -> int:
        if self.installed is not None:
            return self.installed.size_bytes
        return self.entry.size_bytes if self.entry is not None else 0

    @property
    def languages(self) -> tuple[str, ...]:
        if self.installed is not None and self.installed.manifest.languages:
            return self.installed.manifest.languages
        return self.entry.languages if self.entry is not None else ()

    @property
    def max_tokens(self) -> int:
        if self.installed is not None:
            return self.installed.manifest.max_tokens
        return self.entry.max_tokens if self.entry is not None else 0

    @property
    def licence(self) -> str:
        if self.installed is not None and self.installed.manifest.licence:
            return self.installed.manifest.licence
        return self.entry.licence if self.entry is not None else ""


def embedder_rows(overview: ModelsOverview) -> list[EmbedderRow]:
    """The built-in model first, then the catalog's in its order, then other downloaded ones."""
    installed = {e.id: e for e in overview.embedders}
    builtin = [EmbedderRow(e.id, e, None) for e in overview.embedders if e.source == "builtin"]
    listed = [
        EmbedderRow(c.entry.id, installed.get(c.entry.id), c.entry, c.partial_bytes)
        for c in overview.embedder_catalog
    ]
    known = {row.id for row in (*builtin, *listed)}
    others = [EmbedderRow(e.id, e, None) for e in overview.embedders if e.id not in known]
    return [*builtin, *listed, *others]


def language_name(code: str) -> str:
    """English and Spanish in the interface's language; another (rarely listed alone) by
    Qt's English name for it."""
    words = LANGUAGE_WORDS.get(code)
    if words is not None:
        return QCoreApplication.translate("EmbedderTableModel", words)
    language = QLocale(code).language()
    return code if language == QLocale.Language.C else QLocale.languageToString(language)


def languages_text(codes: Sequence[str]) -> str:
    """'English', or '50 languages, Spanish included': what a model reads, in a few words."""
    translate = QCoreApplication.translate
    if not codes:
        return ""
    if len(codes) <= 2:
        text = translate("EmbedderTableModel", " and ").join(language_name(c) for c in codes)
        return text[:1].upper() + text[1:]  # Spanish names languages in lower case
    if "es" in codes:
        text = translate("EmbedderTableModel", "{count} languages, Spanish included")
    else:
        text = translate("EmbedderTableModel", "{count} languages")
    return text.format(count=len(codes))


class EmbedderTableModel(DownloadTableModel[EmbedderRow]):
    """One row per embedding model: name, languages, size, and its state or the action
    its button takes (Download, Resume). Read-only; the buttons are the view's."""

    NAME, LANGUAGES, SIZE, ACTION = range(4)
    HEADERS = (
        QT_TRANSLATE_NOOP("EmbedderTableModel", "Name"),
        QT_TRANSLATE_NOOP("EmbedderTableModel", "Languages"),
        QT_TRANSLATE_NOOP("EmbedderTableModel", "Size"),
        "",
    )
    HEADER_TIPS: ClassVar[Mapping[int, str]] = {
        LANGUAGES: QT_TRANSLATE_NOOP(
            "EmbedderTableModel", "The languages the model was trained to read"
        )
    }

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._active: str | None = None  # the id of the one in use for new libraries

    def set_rows(self, rows: Iterable[EmbedderRow], active: InstalledEmbedder | None) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._active = active.id if active is not None else None
        self.endResetModel()

    def row_of(self, key: str) -> int | None:
        return next((r for r, e in enumerate(self._rows) if e.id == key), None)

    def is_active(self, row: EmbedderRow) -> bool:
        return row.installed is not None and row.id == self._active

    def display_name(self, row: EmbedderRow) -> str:
        if row.builtin:
            return self.tr("{name} (built in)").format(name=row.id)
        return row.name

    def action(self, row: EmbedderRow) -> tuple[str, bool]:
        """The row's last column: its state (installed ones) or its button's text, and
        whether that button can be pressed."""
        if row.installed is not None:
            if self.is_active(row):
                return self.tr("In use for new libraries"), False
            return self.tr("Installed"), False
        return self.download_action(row.id, row.partial_bytes)

    def download_words(self) -> tuple[str, str, str]:
        return self.tr("Downloading…"), self.tr("Resume"), self.tr("Download")

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        row = self._row_at(index)
        if row is None:
            return None
        column, active = index.column(), self.is_active(row)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.NAME:
                return self.display_name(row)
            if column == self.LANGUAGES:
                return languages_text(row.languages)
            if column == self.SIZE:
                return format_size(row.size_bytes) if row.size_bytes else ""
            if column == self.ACTION:
                return self.action(row)[0]
        elif role == Qt.ItemDataRole.ToolTipRole:
            if column == self.NAME:
                return self._about(row)
            if column == self.LANGUAGES and row.languages:
                codes = textwrap.wrap(", ".join(row.languages), 60)
                return "\n".join([self.tr("Language codes:"), *codes])
        elif role == Qt.ItemDataRole.AccessibleTextRole and column == self.NAME:
            name = self.display_name(row)
            return self.tr("{name}, in use for new libraries").format(name=name) if active else name
        elif role == Qt.ItemDataRole.FontRole and (active and column in (self.NAME, self.ACTION)):
            return bold_font()
        elif role == Qt.ItemDataRole.DecorationRole and column == self.NAME and active:
            return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_DialogApplyButton)
        elif role == Qt.ItemDataRole.TextAlignmentRole:
            if column == self.SIZE:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if column == self.ACTION:  # in line with the buttons of the other rows
                return int(Qt.AlignmentFlag.AlignCenter)
        elif role == KeyRole:
            return row.id
        elif role == ActiveRole:
            return active
        return None

    def _about(self, row: EmbedderRow) -> str:
        """The name's tooltip: the catalog's summary, what it reads, its licence."""
        lines = []
        if row.builtin:
            lines.append(
                self.tr("Ships with Confidente. Reads English well; other languages less so.")
            )
        elif row.entry is not None and row.entry.summary:
            lines.append(row.entry.summary)
        if row.max_tokens:
            lines.append(
                self.tr("Reads the first {tokens} tokens of each passage.").format(
                    tokens=row.max_tokens
                )
            )
        if row.licence:
            lines.append(self.tr("Licence: {licence}").format(licence=row.licence))
        wrapped = [textwrap.fill(line, 80) for line in lines]
        if row.installed is not None:
            wrapped.append(str(row.installed.path))
        return "\n".join(wrapped)
