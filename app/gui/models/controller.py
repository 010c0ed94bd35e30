"""The work behind the Models dialog: overview, imports, switching, downloads, the token.

`ModelsController` owns it all. Every call that touches a file, the network
or the keychain runs off the GUI thread: as a core job followed through a
`JobBridge`, or through `run_in_background`. The controller lives as long as
the window, so a dropped model is imported, and a download goes on, whether
the dialog is open or not. Embedding models download here too, beside the chat
models; using and removing them is `EmbeddersController`'s (`embedders`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Literal, cast

from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot

from app.core.documents.records import file_name
from app.core.errors import ConfidenteError
from app.core.models import token as hf_token
from app.core.models.download import DownloadProgress, DownloadRequest, DownloadStopped
from app.core.models.embedders import InstalledEmbedder
from app.core.models.inventory import InstalledModel
from app.core.models.service import DownloadHandle, ModelService, ModelsOverview
from app.core.settings import Settings
from app.core.worker import Failed
from app.gui.i18n import QT_TRANSLATE_NOOP
from app.gui.models.embedders_controller import EmbeddersController, ModelWork, attempt
from app.gui.models.tables import (
    format_amount,
    progress_text,
)
from app.gui.tasks import JobBridge, TaskManager

READING_TEXT = QT_TRANSLATE_NOOP("ModelsController", "Reading the list of models…")


def reading_text() -> str:
    """What the Models dialog says until the first overview arrives."""
    return QCoreApplication.translate("ModelsController", READING_TEXT)


DownloadStatus = Literal["waiting", "running", "pausing", "paused", "cancelling", "stopped"]


@dataclass
class DownloadState:
    """One download row: running, or paused with its partial file kept."""

    # What ModelService.download takes: a catalog id (of a model or an embedding model),
    # or owner/repo/file.gguf.
    name: str
    label: str
    status: DownloadStatus
    done: int = 0
    total: int | None = None
    text: str = ""  # the progress line, or why it stopped
    handle: DownloadHandle[Any] | None = None

    @property
    def active(self) -> bool:
        return self.status in ("waiting", "running", "pausing", "cancelling")


def download_name(request: DownloadRequest, catalog_ids: set[str]) -> str:
    """What `download()` and `discard_partial()` take to find this request again."""
    return request.id if request.id in catalog_ids else f"{request.repo}/{request.file}"


class ModelsController(ModelWork):
    """Runs model work for the window and the Models dialog.

    Signals:
        overview_loaded(object): a fresh `ModelsOverview`.
        downloads_changed(): a download started, progressed, paused or ended (see `downloads`).
        activity_changed(str): what is being checked or switched right now; "" when idle.
        model_added(object, str): an `InstalledModel` just "added" (imported) or "downloaded".
        embedder_added(object): an `InstalledEmbedder` just downloaded.
        import_failed(str, object): a .gguf path that was not added, and the core `Failed`.
        model_switched(object): the `Settings` saved by Use: the model must be reloaded.
        message_posted(str), error_occurred(object, str): as `ModelWork`'s.
        token_status_read(str, bool): the keychain's name, and whether a token is stored.
    """

    overview_loaded = Signal(object)
    downloads_changed = Signal()
    activity_changed = Signal(str)
    model_added = Signal(object, str)
    embedder_added = Signal(object)
    import_failed = Signal(str, object)
    model_switched = Signal(object)
    token_status_read = Signal(str, bool)

    def __init__(
        self,
        models: ModelService,
        tasks: TaskManager,
        settings: Callable[[], Settings],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(models, tasks, settings, parent)
        self.overview: ModelsOverview | None = None
        self._generation = 0  # of the latest overview asked for
        self._downloads: dict[str, DownloadState] = {}
        self._importing: dict[JobBridge, str] = {}  # bridge → path
        self._switching: tuple[JobBridge, str] | None = None  # (bridge, model name)
        self.embedders = EmbeddersController(models, tasks, settings, self)
        self.embedders.activity_changed.connect(lambda: self.activity_changed.emit(self.activity()))
        self.embedders.message_posted.connect(self.message_posted)
        self.embedders.error_occurred.connect(self.error_occurred)
        self.embedders.embedders_changed.connect(self.refresh)

    @property
    def downloads(self) -> list[DownloadState]:
        return list(self._downloads.values())

    @property
    def switching(self) -> bool:
        return self._switching is not None

    def model_path(self) -> str | None:
        """The model file the settings name (None: the starter)."""
        return self._settings().model_path

    def in_use(self, model: InstalledModel) -> bool:
        """Whether the settings name this model (compared as text: no file is touched)."""
        path = self.model_path()
        return model.source == "starter" if path is None else path == str(model.path)

    def activity(self) -> str:
        parts = [
            self.tr("Checking {name}…").format(name=file_name(path))
            for path in self._importing.values()
        ]
        if self._switching is not None:
            parts.append(
                self.tr("Checking {name} before switching to it…").format(name=self._switching[1])
            )
        if self.embedders.switching:
            parts.append(self.embedders.activity())
        return " ".join(parts)

    # --- the overview -------------------------------------------------------------

    def refresh(self) -> None:
        """Survey the machine, the installed models and the catalog again (on core's worker)."""
        self._generation += 1
        generation = self._generation
        bridge = self._tasks.follow(self._models.overview())
        bridge.finished.connect(partial(self._on_overview, generation))
        bridge.failed.connect(self._on_overview_failed)

    def _on_overview(self, generation: int, result: object) -> None:
        if generation != self._generation:
            return  # a newer one is on its way
        overview = cast(ModelsOverview, result)
        self.overview = overview
        self._merge_pending(overview)
        self.overview_loaded.emit(overview)

    def _on_overview_failed(self, failed: object) -> None:
        self.message_posted.emit(self.tr("The list of models could not be read."))
        self.on_job_failed(failed)

    def _merge_pending(self, overview: ModelsOverview) -> None:
        """Paused downloads (even from an earlier session) get a row with Resume and Cancel."""
        catalog_ids = {choice.entry.id for choice in overview.catalog}
        pending: dict[str, tuple[str, int, int | None]] = {}  # name: (label, done, total)
        for partial_download in overview.pending:
            request = partial_download.request
            pending[download_name(request, catalog_ids)] = (
                request.name or request.filename,
                partial_download.done,
                request.size_bytes,
            )
        for folder in overview.pending_embedders:
            pending[folder.id] = (folder.name, folder.done, folder.total)
        changed = False
        for name, state in list(self._downloads.items()):
            if not state.active and name not in pending:
                del self._downloads[name]  # finished or discarded meanwhile
                changed = True
        for name, (label, done, total) in pending.items():
            if name not in self._downloads:
                self._downloads[name] = DownloadState(
                    name,
                    label,
                    "paused",
                    done,
                    total,
                    self.tr("Paused at {amount}").format(amount=format_amount(done, total)),
                )
                changed = True
        if changed:
            self.downloads_changed.emit()

    # --- downloads ----------------------------------------------------------------

    def download(self, name: str, label: str = "") -> None:
        """Start (or resume) the download of a catalog id (a model or an embedding model)
        or an owner/repo/file.gguf."""
        state = self._downloads.get(name)
        if state is not None and state.active:
            return
        try:
            handle = self._models.download(name)
        except ConfidenteError as error:
            self.error_occurred.emit(error, "")
            return
        label = label or (state.label if state else "") or handle.name or name
        self._downloads[name] = DownloadState(
            name,
            label,
            "waiting",
            state.done if state else 0,
            state.total if state else handle.size_bytes,
            self.tr("Waiting for the download before it…"),
            handle,
        )
        bridge = self._tasks.follow(handle.job)
        bridge.updated.connect(partial(self._on_download_progress, name))
        bridge.finished.connect(partial(self._on_download_finished, name))
        bridge.failed.connect(partial(self._on_download_failed, name))
        self.downloads_changed.emit()

    def pause(self, name: str) -> None:
        state = self._downloads.get(name)
        if state is not None and state.handle is not None and state.active:
            state.status, state.text = "pausing", self.tr("Pausing…")
            state.handle.pause()
            self.downloads_changed.emit()

    def cancel(self, name: str) -> None:
        """Stop the download and delete its partial file."""
        state = self._downloads.get(name)
        if state is None or state.status == "cancelling":
            return
        if state.handle is not None and state.active:
            state.status, state.text = "cancelling", self.tr("Cancelling…")
            state.handle.cancel()
            self.downloads_changed.emit()
        else:
            self._discard(state)

    def _discard(self, state: DownloadState) -> None:
        state.status, state.text = "cancelling", self.tr("Deleting the partial file…")
        self.downloads_changed.emit()
        models, name = self._models, state.name
        self._tasks.run_in_background(
            lambda: attempt(lambda: models.discard_partial(name)),
            partial(self._on_discarded, state),
        )

    def _on_discarded(self, state: DownloadState, outcome: object) -> None:
        if isinstance(outcome, ConfidenteError):
            state.status, state.text = "stopped", str(outcome)
            self.error_occurred.emit(outcome, "")
        else:
            self._downloads.pop(state.name, None)
            self.message_posted.emit(
                self.tr("Download of {label} cancelled.").format(label=state.label)
            )
        self.downloads_changed.emit()
        self.refresh()

    def _on_download_progress(self, name: str, value: object) -> None:
        state = self._downloads.get(name)
        if state is None or not isinstance(value, DownloadProgress):
            return
        state.done, state.total = value.done, value.total or state.total
        if state.status in ("waiting", "running"):
            state.status, state.text = "running", progress_text(value)
        self.downloads_changed.emit()

    def _on_download_finished(self, name: str, result: object) -> None:
        model = cast(InstalledModel | InstalledEmbedder, result)
        state = self._downloads.pop(name, None)
        label = state.label if state else model.name
        self.downloads_changed.emit()
        self.message_posted.emit(self.tr("{label} downloaded and checked.").format(label=label))
        if isinstance(model, InstalledEmbedder):
            self.embedder_added.emit(model)
        else:
            self.model_added.emit(model, "downloaded")
        self.refresh()

    def _on_download_failed(self, name: str, failed: object) -> None:
        failure = cast(Failed, failed)
        state = self._downloads.get(name)
        if state is None:
            return
        asked = state.status  # what the user asked for, if anything
        error = failure.error
        if isinstance(error, DownloadStopped):
            paused = error.paused
        elif asked in ("pausing", "cancelling") and failure.expected:
            paused = asked == "pausing"  # stopped while still waiting its turn
        else:
            state.status = "stopped"
            state.text = (
                self.tr("Stopped: {error}").format(error=error)
                if failure.expected
                else self.tr("Stopped by an error.")
            )
            state.handle = None
            self.downloads_changed.emit()
            self.error_occurred.emit(error, failure.report)
            self.refresh()
            return
        state.handle = None
        if paused:
            state.status = "paused"
            state.text = self.tr("Paused at {amount}").format(
                amount=format_amount(state.done, state.total)
            )
            self.message_posted.emit(
                self.tr("Download of {label} paused.").format(label=state.label)
            )
            self.downloads_changed.emit()
            self.refresh()
        elif isinstance(error, DownloadStopped):  # core deleted the partial file already
            del self._downloads[name]
            self.message_posted.emit(
                self.tr("Download of {label} cancelled.").format(label=state.label)
            )
            self.downloads_changed.emit()
            self.refresh()
        else:
            self._discard(state)  # it never started: delete what an earlier run left

    # --- importing, switching, removing ------------------------------------------------

    def add(self, path: str) -> None:
        """Check a local .gguf file and list it; it is used where it is, not copied."""
        bridge = self._tasks.follow(self._models.add(Path(path)))
        self._importing[bridge] = path
        bridge.finished.connect(partial(self._on_added, bridge))
        bridge.failed.connect(partial(self._on_add_failed, bridge))
        self.activity_changed.emit(self.activity())

    def _on_added(self, bridge: JobBridge, result: object) -> None:
        model = cast(InstalledModel, result)
        self._importing.pop(bridge, None)
        self.activity_changed.emit(self.activity())
        self.message_posted.emit(
            self.tr("{name} was added to your models.").format(name=model.name)
        )
        self.model_added.emit(model, "added")
        self.refresh()

    def _on_add_failed(self, bridge: JobBridge, failed: object) -> None:
        path = self._importing.pop(bridge, "")
        self.activity_changed.emit(self.activity())
        self.import_failed.emit(path, failed)

    def use(self, key: str, label: str = "") -> None:
        """Check the model, save it as the one to use, then ask the window to load it."""
        if self._switching is not None:
            return
        bridge = self._tasks.follow(self._models.use(key))
        self._switching = (bridge, label or file_name(key))
        bridge.finished.connect(self.on_switched)
        bridge.failed.connect(self.on_switch_failed)
        self.activity_changed.emit(self.activity())

    @Slot(object)
    def on_switched(self, result: object) -> None:
        label = self._switching[1] if self._switching else ""
        self._switching = None
        self.activity_changed.emit(self.activity())
        self.message_posted.emit(self.tr("Switching to {name}…").format(name=label))
        self.model_switched.emit(cast(Settings, result))
        self.refresh()

    @Slot(object)
    def on_switch_failed(self, failed: object) -> None:
        self._switching = None
        self.activity_changed.emit(self.activity())
        self.on_job_failed(failed)

    def remove(self, key: str) -> None:
        """Forget a model; its file is deleted only if Confidente downloaded it."""
        models, settings = self._models, self._settings()
        self._attempt_in_background(
            lambda: models.remove(key, settings), self._on_removed, then=self.refresh
        )

    def _on_removed(self, model: InstalledModel) -> None:
        if model.removable_file:
            self.message_posted.emit(
                self.tr("{name} removed and its file deleted.").format(name=model.name)
            )
        else:
            self.message_posted.emit(
                self.tr("{name} removed from the list; its file stays at {path}.").format(
                    name=model.name, path=model.path
                )
            )

    # --- the Hugging Face token --------------------------------------------------------

    def read_token_status(self) -> None:
        """Find out (the keychain can block) whether a token is stored: `token_status_read`."""

        def read() -> tuple[str, bool]:
            return hf_token.keychain_name(), hf_token.get_token() is not None

        self._tasks.run_in_background(read, lambda status: self.token_status_read.emit(*status))

    def save_token(self, text: str) -> None:
        """Store `text` in the OS keychain; an empty text forgets the stored token."""

        # Worded here, on the GUI thread: the job only says what it did.
        removed = self.tr("Hugging Face token removed.")
        none_stored = self.tr("No token was stored.")
        saved = self.tr("Hugging Face token saved in the OS keychain.")

        def save() -> str:
            if not text.strip():
                had_one = hf_token.clear_token()
                return removed if had_one else none_stored
            hf_token.set_token(text)
            return saved

        self._attempt_in_background(save, self.message_posted.emit)
