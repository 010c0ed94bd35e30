"""What the Models dialog lists: thin Qt table models over core's plain records, and the
words and figures they are shown with.

`InstalledTableModel` shows `InstalledModel`s (the one in use bold and ticked);
`CatalogTableModel` shows `CatalogChoice`s with a coloured fit badge whose tooltip
gives the reason. Neither reads anything: the dialog hands them what core's
`ModelService.overview()` gathered off the GUI thread.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QApplication, QStyle

from app.core.models.download import DownloadProgress
from app.core.models.fit import Machine, Verdict
from app.core.models.inventory import InstalledModel
from app.core.models.service import CatalogChoice
from app.gui.item_flags import read_only_flags

AnyIndex = QModelIndex | QPersistentModelIndex

KeyRole = Qt.ItemDataRole.UserRole + 1  # what core's calls take: a model's path, a catalog id
ActiveRole = Qt.ItemDataRole.UserRole + 2  # bool: the model in use
VerdictRole = Qt.ItemDataRole.UserRole + 3  # the fit's Verdict

SOURCE_WORDS: Final = {
    "starter": "Starter (ships with Confidente)",
    "download": "Downloaded",
    "import": "Your file",
    "ollama": "Ollama",
    "lmstudio": "LM Studio",
}
SPANISH_WORDS: Final = {"good": "Good", "fair": "Fair", "basic": "Basic"}
VERDICT_WORDS: Final = {Verdict.FITS: "Fits", Verdict.SLOW: "Slow", Verdict.WONT_FIT: "Won't fit"}
# (background, text): readable on light and dark themes alike, since both are set.
VERDICT_COLOURS: Final = {
    Verdict.FITS: ("#c8e6c9", "#1b5e20"),
    Verdict.SLOW: ("#ffe8b3", "#6d4c00"),
    Verdict.WONT_FIT: ("#f8d0d4", "#8b1a24"),
}


# --- words and figures ---------------------------------------------------------------


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
        return f"{format_size(done)} so far"
    unit, scale = ("GB", 1e9) if total >= 1e9 else ("MB", 1e6)
    return f"{done / scale:.1f} of {total / scale:.1f} {unit}"


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
        return "Connecting to Hugging Face…"
    if progress.stage == "verifying":
        percent = 100 * progress.done // progress.total if progress.total else 0
        return f"Checking the file’s SHA-256… {percent} %"
    parts = [format_amount(progress.done, progress.total)]
    if progress.bytes_per_second > 0:
        parts.append(f"{progress.bytes_per_second / 1e6:.1f} MB/s")
    if progress.seconds_left is not None:
        parts.append(f"{format_duration(progress.seconds_left)} left")
    return " · ".join(parts)


def machine_text(machine: Machine) -> str:
    """'This computer: 16.0 GB memory (9.1 GB free) · 8 cores · GPU: …, 7.5 of 8.0 GB free'."""
    cores = machine.physical_cores
    parts = [
        f"{format_size(machine.total_memory)} memory "
        f"({format_size(machine.available_memory)} free)",
        f"{cores} core{'s' if cores != 1 else ''}",
    ]
    gpu = machine.usable_gpu
    if gpu is not None:
        parts.append(
            f"GPU: {gpu.name}, {format_size(gpu.free_bytes)} of {format_size(gpu.total_bytes)} free"
        )
    elif machine.gpu_offload:
        parts.append("GPU offload available")
    elif machine.gpus:
        parts.append(f"{machine.gpus[0].name} found, but no GPU offload in this build")
    else:
        parts.append("no GPU offload")
    return "This computer: " + " · ".join(parts)


def _bold() -> QFont:
    font = QFont(QApplication.font())
    font.setBold(True)
    return font


# --- installed models ------------------------------------------------------------------


class InstalledTableModel(QAbstractTableModel):
    """One row per installed model: name, source, size. Read-only."""

    NAME, SOURCE, SIZE = range(3)
    HEADERS: Final = ("Name", "Source", "Size")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._models: list[InstalledModel] = []
        self._active: str | None = None  # path of the model in use

    def set_models(self, models: Iterable[InstalledModel], active: InstalledModel | None) -> None:
        self.beginResetModel()
        self._models = list(models)
        self._active = str(active.path) if active is not None else None
        self.endResetModel()

    def models(self) -> list[InstalledModel]:
        return list(self._models)

    def model_at(self, row: int) -> InstalledModel:
        return self._models[row]

    def row_of(self, key: str) -> int | None:
        """The row of the model with this path or id."""
        return next(
            (r for r, m in enumerate(self._models) if key in (str(m.path), m.id)),
            None,
        )

    def is_active(self, model: InstalledModel) -> bool:
        return str(model.path) == self._active

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else len(self._models)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.HEADERS)
        ):
            return self.HEADERS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._models):
            return None
        model = self._models[index.row()]
        column = index.column()
        active = self.is_active(model)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.NAME:
                return model.name
            if column == self.SOURCE:
                return SOURCE_WORDS.get(model.source, model.source)
            if column == self.SIZE:
                return format_size(model.size_bytes) if model.present else "missing"
        elif role == Qt.ItemDataRole.FontRole:
            return _bold() if active else None
        elif role == Qt.ItemDataRole.DecorationRole and column == self.NAME:
            if active:
                return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_DialogApplyButton)
            if not model.present:
                return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        elif role == Qt.ItemDataRole.ToolTipRole:
            notes = ["In use for chats and answers."] if active else []
            if not model.present:
                notes.append("The file is no longer there.")
            return "\n".join([str(model.path), *notes])
        elif role == Qt.ItemDataRole.AccessibleTextRole and column == self.NAME:
            return f"{model.name}, in use" if active else model.name
        elif role == Qt.ItemDataRole.TextAlignmentRole and column == self.SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        elif role == KeyRole:
            return str(model.path)
        elif role == ActiveRole:
            return active
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        return read_only_flags(index)


# --- the catalog -----------------------------------------------------------------------


class CatalogTableModel(QAbstractTableModel):
    """One row per recommended model: name, size, Spanish, licence, fit, and what the
    Download button of the row does. Read-only; the buttons are the view's."""

    NAME, SIZE, SPANISH, LICENCE, FIT, ACTION = range(6)
    HEADERS: Final = ("Name", "Size", "Spanish", "Licence", "Fit", "")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._choices: list[CatalogChoice] = []
        self._downloading: frozenset[str] = frozenset()  # catalog ids with a running download
        self._paused: frozenset[str] = frozenset()  # ... and with a paused one

    def set_choices(self, choices: Iterable[CatalogChoice]) -> None:
        self.beginResetModel()
        self._choices = list(choices)
        self.endResetModel()

    def set_downloads(self, downloading: Iterable[str], paused: Iterable[str]) -> None:
        """Which rows have a download under way or paused: their action changes."""
        downloading, paused = frozenset(downloading), frozenset(paused)
        if (downloading, paused) == (self._downloading, self._paused):
            return
        self._downloading, self._paused = downloading, paused
        if self._choices:
            self.dataChanged.emit(
                self.index(0, self.ACTION), self.index(len(self._choices) - 1, self.ACTION)
            )

    def choices(self) -> list[CatalogChoice]:
        return list(self._choices)

    def choice_at(self, row: int) -> CatalogChoice:
        return self._choices[row]

    def row_of(self, entry_id: str) -> int | None:
        return next((r for r, c in enumerate(self._choices) if c.entry.id == entry_id), None)

    def action(self, choice: CatalogChoice) -> tuple[str, bool]:
        """The row's button: its text, and whether it can be pressed."""
        entry_id = choice.entry.id
        if choice.installed:
            return "Installed", False
        if entry_id in self._downloading:
            return "Downloading…", False
        if entry_id in self._paused or choice.partial_bytes:
            return "Resume", True
        return "Download", True

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else len(self._choices)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole and section == self.FIT:
            return "How well the model would run on this computer"
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._choices):
            return None
        choice = self._choices[index.row()]
        entry, fit, column = choice.entry, choice.fit, index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.NAME:
                return entry.name
            if column == self.SIZE:
                return format_size(entry.size_bytes)
            if column == self.SPANISH:
                return SPANISH_WORDS.get(entry.spanish, entry.spanish)
            if column == self.LICENCE:
                return f"{entry.licence} (gated)" if entry.gated else entry.licence
            if column == self.FIT:
                return VERDICT_WORDS[fit.verdict]
            if column == self.ACTION:
                return self.action(choice)[0]
        elif role == Qt.ItemDataRole.ToolTipRole:
            if column == self.FIT:
                return f"{VERDICT_WORDS[fit.verdict]}: {fit.reason}"
            if column == self.NAME:
                return (
                    f"{entry.summary}\n{entry.parameters_b:g}B parameters, {entry.quantization}, "
                    f"trained on {entry.trained_context:,} tokens of context"
                )
            if column == self.SIZE:
                return f"Needs about {format_size(fit.memory_needed)} of memory to run"
            if column == self.LICENCE and entry.gated:
                return (
                    "Gated: accept the licence on huggingface.co, then add your access "
                    "token with “Hugging Face token…”"
                )
            if column == self.SPANISH:
                return "How well it writes Spanish"
        elif role == Qt.ItemDataRole.AccessibleTextRole and column == self.FIT:
            return f"{VERDICT_WORDS[fit.verdict]}: {fit.reason}"
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
            return _bold()
        elif role == KeyRole:
            return entry.id
        elif role == VerdictRole:
            return fit.verdict
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        return read_only_flags(index)
