"""What the Models dialog lists: thin Qt table models over core's plain records, and the
words and figures they are shown with.

`InstalledTableModel` shows `InstalledModel`s (the one in use bold and ticked);
`CatalogTableModel` shows `CatalogChoice`s with a coloured fit badge whose tooltip
gives the reason. Neither reads anything: the dialog hands them what core's
`ModelService.overview()` gathered off the GUI thread. What they (and the embedding
models' table, `embedder_table`) have in common is here too: `HeaderedTableModel`,
`DownloadTableModel` for a table with a Download button per row, and the set-up of
their views (`table_view`, `set_row_button`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import ClassVar, Final, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QPushButton,
    QStyle,
    QTableView,
)

from app.core.models.download import DownloadProgress
from app.core.models.fit import Machine, Verdict
from app.core.models.inventory import InstalledModel
from app.core.models.service import CatalogChoice
from app.gui.i18n import QT_TRANSLATE_NOOP
from app.gui.item_flags import read_only_flags
from app.gui.plain_text import plain_tooltip

AnyIndex = QModelIndex | QPersistentModelIndex
RowT = TypeVar("RowT")

KeyRole = Qt.ItemDataRole.UserRole + 1  # what core's calls take: a model's path, a catalog id
ActiveRole = Qt.ItemDataRole.UserRole + 2  # bool: the model in use
VerdictRole = Qt.ItemDataRole.UserRole + 3  # the fit's Verdict

# Translated where shown, in the context of the table that shows them.
SOURCE_WORDS: Final = {
    "starter": QT_TRANSLATE_NOOP("InstalledTableModel", "Starter (ships with Confidente)"),
    "download": QT_TRANSLATE_NOOP("InstalledTableModel", "Downloaded"),
    "import": QT_TRANSLATE_NOOP("InstalledTableModel", "Your file"),
    "ollama": "Ollama",
    "lmstudio": "LM Studio",
}
SPANISH_WORDS: Final = {
    "good": QT_TRANSLATE_NOOP("CatalogTableModel", "Good"),
    "fair": QT_TRANSLATE_NOOP("CatalogTableModel", "Fair"),
    "basic": QT_TRANSLATE_NOOP("CatalogTableModel", "Basic"),
}
VERDICT_WORDS: Final = {
    Verdict.FITS: QT_TRANSLATE_NOOP("CatalogTableModel", "Fits"),
    Verdict.SLOW: QT_TRANSLATE_NOOP("CatalogTableModel", "Slow"),
    Verdict.WONT_FIT: QT_TRANSLATE_NOOP("CatalogTableModel", "Won't fit"),
}
# (background, text): readable on light and dark themes alike, since both are set.
VERDICT_COLOURS: Final = {
    Verdict.FITS: ("#c8e6c9", "#1b5e20"),
    Verdict.SLOW: ("#ffe8b3", "#6d4c00"),
    Verdict.WONT_FIT: ("#f8d0d4", "#8b1a24"),
}


# --- words and figures ---------------------------------------------------------------


def verdict_word(verdict: Verdict) -> str:
    """'Fits', 'Slow' or 'Won't fit', in the interface's language."""
    return QCoreApplication.translate("CatalogTableModel", VERDICT_WORDS[verdict])


def format_size(size: float) -> str:
    """'808 MB', '2.1 GB' (decimal units, as file managers show them)."""
    if size >= 1e9:
        return f"{size / 1e9:.1f} GB"
    if size >= 1e6:
        return f"{size / 1e6:.0f} MB"
    if size >= 1e3:
        return f"{size / 1e3:.0f} kB"
    return f"{int(size)} bytes"


def format_amount(done: int, total: int | None) -> str:
    """'1.2 of 2.0 GB': both figures in the unit of the larger one."""
    if not total:
        return QCoreApplication.translate("ModelTables", "{size} so far").format(
            size=format_size(done)
        )
    unit, scale = ("GB", 1e9) if total >= 1e9 else ("MB", 1e6)
    return QCoreApplication.translate("ModelTables", "{done} of {total} {unit}").format(
        done=f"{done / scale:.1f}", total=f"{total / scale:.1f}", unit=unit
    )


def format_duration(seconds: float) -> str:
    """'40 s', '3 min', '1 h 5 min'."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min"


def progress_text(progress: DownloadProgress) -> str:
    """'1.2 of 2.0 GB · 8.5 MB/s · 1 min left', or what the download is doing before that."""
    if progress.stage == "connecting":
        return QCoreApplication.translate("ModelTables", "Connecting to Hugging Face…")
    if progress.stage == "verifying":
        percent = 100 * progress.done // progress.total if progress.total else 0
        return QCoreApplication.translate(
            "ModelTables", "Checking the file’s SHA-256… {percent} %"
        ).format(percent=percent)
    parts = [format_amount(progress.done, progress.total)]
    if progress.bytes_per_second > 0:
        parts.append(f"{progress.bytes_per_second / 1e6:.1f} MB/s")
    if progress.seconds_left is not None:
        parts.append(
            QCoreApplication.translate("ModelTables", "{duration} left").format(
                duration=format_duration(progress.seconds_left)
            )
        )
    return " · ".join(parts)


def machine_text(machine: Machine) -> str:
    """'This computer: 16.0 GB memory (9.1 GB free) · 8 cores · GPU: …, 7.5 of 8.0 GB free'."""
    cores = machine.physical_cores
    parts = [
        QCoreApplication.translate("ModelTables", "{total} memory ({free} free)").format(
            total=format_size(machine.total_memory), free=format_size(machine.available_memory)
        ),
        (
            QCoreApplication.translate("ModelTables", "{n} core")
            if cores == 1
            else QCoreApplication.translate("ModelTables", "{n} cores")
        ).format(n=cores),
    ]
    gpu = machine.usable_gpu
    if gpu is not None:
        parts.append(
            QCoreApplication.translate("ModelTables", "GPU: {name}, {free} of {total} free").format(
                name=gpu.name,
                free=format_size(gpu.free_bytes),
                total=format_size(gpu.total_bytes),
            )
        )
    elif machine.gpu_offload:
        parts.append(QCoreApplication.translate("ModelTables", "GPU offload available"))
    elif machine.gpus:
        parts.append(
            QCoreApplication.translate(
                "ModelTables", "{name} found, but no GPU offload in this build"
            ).format(name=machine.gpus[0].name)
        )
    else:
        parts.append(QCoreApplication.translate("ModelTables", "no GPU offload"))
    return QCoreApplication.translate("ModelTables", "This computer: {parts}").format(
        parts=" · ".join(parts)
    )


def bold_font() -> QFont:
    font = QFont(QApplication.font())
    font.setBold(True)
    return font


# --- what the tables share -----------------------------------------------------------


class HeaderedTableModel(QAbstractTableModel, Generic[RowT]):
    """A read-only table over a list of plain records, one a row, its columns named by
    `HEADERS`.

    The headers, and the tooltips of some (`HEADER_TIPS`, by column), are marked
    (`QT_TRANSLATE_NOOP`) in the subclass's context, and `self.tr` looks them up under the
    subclass's name: so the .ts keeps them under the table that shows them.
    """

    HEADERS: ClassVar[tuple[str, ...]] = ()
    HEADER_TIPS: ClassVar[Mapping[int, str]] = {}

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[RowT] = []

    def rows(self) -> list[RowT]:
        return list(self._rows)

    def row_at(self, row: int) -> RowT:
        return self._rows[row]

    def _row_at(self, index: AnyIndex) -> RowT | None:
        """The record shown at `index`, if it is one of this table's."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self._rows[index.row()]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else len(self.HEADERS)

    def retranslate(self) -> None:
        """Have the views read the headers and cells again, in the interface's language."""
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.HEADERS) - 1)
        if self.rowCount():
            last = self.index(self.rowCount() - 1, len(self.HEADERS) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            header = self.HEADERS[section]
            return self.tr(header) if header else header
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = self.HEADER_TIPS.get(section)
            return self.tr(tip) if tip else None
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        return read_only_flags(index)


class DownloadTableModel(HeaderedTableModel[RowT]):
    """A table whose last column, `ACTION`, holds a row's Download button (the view's):
    "Downloading…" while its download runs, "Resume" once paused (`set_downloads`)."""

    ACTION: ClassVar[int]

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._downloading: frozenset[str] = frozenset()  # keys with a running download
        self._paused: frozenset[str] = frozenset()  # ... and with a paused one

    def set_downloads(self, downloading: Iterable[str], paused: Iterable[str]) -> None:
        """Which rows have a download under way or paused: their action changes."""
        downloading, paused = frozenset(downloading), frozenset(paused)
        if (downloading, paused) == (self._downloading, self._paused):
            return
        self._downloading, self._paused = downloading, paused
        if self._rows:
            self.dataChanged.emit(
                self.index(0, self.ACTION), self.index(len(self._rows) - 1, self.ACTION)
            )

    def download_words(self) -> tuple[str, str, str]:
        """The words for "Downloading…", "Resume" and "Download", said with the
        subclass's `self.tr` (the .ts has them under each table)."""
        raise NotImplementedError

    def download_action(self, key: str, partial_bytes: int) -> tuple[str, bool]:
        """The Download button of the row with this key (not installed): its text, and
        whether it can be pressed."""
        downloading, resume, download = self.download_words()
        if key in self._downloading:
            return downloading, False
        if key in self._paused or partial_bytes:
            return resume, True
        return download, True


def table_view(model: QAbstractTableModel, stretched: int) -> QTableView:
    """A read-only view of whole rows, one selected at a time; column `stretched` takes
    the room the others leave."""
    view = QTableView()
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.verticalHeader().hide()
    view.setWordWrap(False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretched, QHeaderView.ResizeMode.Stretch)
    header.setHighlightSections(False)
    return view


def set_row_button(
    view: QTableView,
    index: QModelIndex,
    action: tuple[str, bool],
    name: str,
    on_clicked: Callable[[], None],
) -> None:
    """Show a row's button in the cell at `index`: made once (pressing it calls
    `on_clicked`), then given the `action`'s text and state, and named after `name`."""
    text, enabled = action
    button = view.indexWidget(index)
    if not isinstance(button, QPushButton):
        button = QPushButton()
        button.clicked.connect(on_clicked)
        view.setIndexWidget(index, button)
    button.setText(text)
    button.setEnabled(enabled)
    button.setAccessibleName(f"{text} {name}")


# --- installed models ------------------------------------------------------------------


class InstalledTableModel(HeaderedTableModel[InstalledModel]):
    """One row per installed model: name, source, size. Read-only."""

    NAME, SOURCE, SIZE = range(3)
    HEADERS = (
        QT_TRANSLATE_NOOP("InstalledTableModel", "Name"),
        QT_TRANSLATE_NOOP("InstalledTableModel", "Source"),
        QT_TRANSLATE_NOOP("InstalledTableModel", "Size"),
    )

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._active: str | None = None  # path of the model in use

    def set_models(self, models: Iterable[InstalledModel], active: InstalledModel | None) -> None:
        self.beginResetModel()
        self._rows = list(models)
        self._active = str(active.path) if active is not None else None
        self.endResetModel()

    def row_of(self, key: str) -> int | None:
        """The row of the model with this path or id."""
        return next(
            (r for r, m in enumerate(self._rows) if key in (str(m.path), m.id)),
            None,
        )

    def is_active(self, model: InstalledModel) -> bool:
        return str(model.path) == self._active

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        model = self._row_at(index)
        if model is None:
            return None
        column = index.column()
        active = self.is_active(model)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.NAME:
                return model.name
            if column == self.SOURCE:
                words = SOURCE_WORDS.get(model.source)
                return self.tr(words) if words is not None else model.source
            if column == self.SIZE:
                return format_size(model.size_bytes) if model.present else self.tr("missing")
        elif role == Qt.ItemDataRole.FontRole:
            return bold_font() if active else None
        elif role == Qt.ItemDataRole.DecorationRole and column == self.NAME:
            if active:
                return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_DialogApplyButton)
            if not model.present:
                return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        elif role == Qt.ItemDataRole.ToolTipRole:
            notes = [self.tr("In use for chats and answers.")] if active else []
            if not model.present:
                notes.append(self.tr("The file is no longer there."))
            return plain_tooltip("\n".join([str(model.path), *notes]))
        elif role == Qt.ItemDataRole.AccessibleTextRole and column == self.NAME:
            return self.tr("{name}, in use").format(name=model.name) if active else model.name
        elif role == Qt.ItemDataRole.TextAlignmentRole and column == self.SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        elif role == KeyRole:
            return str(model.path)
        elif role == ActiveRole:
            return active
        return None


# --- the catalog -----------------------------------------------------------------------


class CatalogTableModel(DownloadTableModel[CatalogChoice]):
    """One row per recommended model: name, size, Spanish, licence, fit, and what the
    Download button of the row does. Read-only; the buttons are the view's."""

    NAME, SIZE, SPANISH, LICENCE, FIT, ACTION = range(6)
    HEADERS = (
        QT_TRANSLATE_NOOP("CatalogTableModel", "Name"),
        QT_TRANSLATE_NOOP("CatalogTableModel", "Size"),
        QT_TRANSLATE_NOOP("CatalogTableModel", "Spanish"),
        QT_TRANSLATE_NOOP("CatalogTableModel", "Licence"),
        QT_TRANSLATE_NOOP("CatalogTableModel", "Fit"),
        "",
    )
    HEADER_TIPS: ClassVar[Mapping[int, str]] = {
        FIT: QT_TRANSLATE_NOOP("CatalogTableModel", "How well the model would run on this computer")
    }

    def set_choices(self, choices: Iterable[CatalogChoice]) -> None:
        self.beginResetModel()
        self._rows = list(choices)
        self.endResetModel()

    def row_of(self, entry_id: str) -> int | None:
        return next((r for r, c in enumerate(self._rows) if c.entry.id == entry_id), None)

    def download_words(self) -> tuple[str, str, str]:
        return self.tr("Downloading…"), self.tr("Resume"), self.tr("Download")

    def action(self, choice: CatalogChoice) -> tuple[str, bool]:
        """The row's button: its text, and whether it can be pressed."""
        if choice.installed:
            return self.tr("Installed"), False
        return self.download_action(choice.entry.id, choice.partial_bytes)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        choice = self._row_at(index)
        if choice is None:
            return None
        entry, fit, column = choice.entry, choice.fit, index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.NAME:
                return entry.name
            if column == self.SIZE:
                return format_size(entry.size_bytes)
            if column == self.SPANISH:
                words = SPANISH_WORDS.get(entry.spanish)
                return self.tr(words) if words is not None else entry.spanish
            if column == self.LICENCE:
                if entry.gated:
                    return self.tr("{licence} (gated)").format(licence=entry.licence)
                return entry.licence
            if column == self.FIT:
                return verdict_word(fit.verdict)
            if column == self.ACTION:
                return self.action(choice)[0]
        elif role == Qt.ItemDataRole.ToolTipRole:
            if column == self.FIT:
                return f"{verdict_word(fit.verdict)}: {fit.reason}"
            if column == self.NAME:
                return self.tr(
                    "{summary}\n{parameters}B parameters, {quantization}, "
                    "trained on {context} tokens of context"
                ).format(
                    summary=entry.summary,
                    parameters=f"{entry.parameters_b:g}",
                    quantization=entry.quantization,
                    context=f"{entry.trained_context:,}",
                )
            if column == self.SIZE:
                return self.tr("Needs about {size} of memory to run").format(
                    size=format_size(fit.memory_needed)
                )
            if column == self.LICENCE and entry.gated:
                return self.tr(
                    "Gated: accept the licence on huggingface.co, then add your access "
                    "token with “Hugging Face token…”"
                )
            if column == self.SPANISH:
                return self.tr("How well it writes Spanish")
        elif role == Qt.ItemDataRole.AccessibleTextRole and column == self.FIT:
            return f"{verdict_word(fit.verdict)}: {fit.reason}"
        elif role == Qt.ItemDataRole.BackgroundRole and column == self.FIT:
            return QColor(VERDICT_COLOURS[fit.verdict][0])
        elif role == Qt.ItemDataRole.ForegroundRole and column == self.FIT:
            return QColor(VERDICT_COLOURS[fit.verdict][1])
        elif role == Qt.ItemDataRole.TextAlignmentRole:
            if column == self.SIZE:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if column == self.FIT:
                return int(Qt.AlignmentFlag.AlignCenter)
        elif role == Qt.ItemDataRole.FontRole and choice.installed and column == self.NAME:
            return bold_font()
        elif role == KeyRole:
            return entry.id
        elif role == VerdictRole:
            return fit.verdict
        return None
