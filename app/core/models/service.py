"""Models as one service: what is installed, the catalog and its fit, downloads, imports, loading.

The GUI and the CLI both call this. Slow work (detecting GPUs, checking or
downloading a file, loading llama.cpp) runs on workers: loading on the model
worker, downloads and file checks on the `models` worker, so a download
never holds up a chat.

Embedding models (for the documents' index) are offered beside the chat
models: the catalog lists some, `download` fetches one as a verified folder,
and `use_embedder` makes it the `embedding_model` setting. Libraries keep the
model they were indexed with until they are re-indexed
(`DocumentService.reindex`), which moves them to the one in the settings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from app.core.cancel import CancelToken
from app.core.documents.embedder import embedder_name, embedder_spec, is_starter
from app.core.errors import ModelError
from app.core.models import token as hf_token
from app.core.models.download import (
    DownloadControl,
    Downloader,
    DownloadRequest,
    PartialDownload,
)
from app.core.models.embedders import EmbedderInstaller, InstalledEmbedder, PausedEmbedder
from app.core.models.engine import Engine, EngineConfig, ModelInfo, gpu_offload_supported
from app.core.models.fit import Fit, Machine, assess, gpu_layers_for
from app.core.models.gguf import read_gguf_info
from app.core.models.hardware import detect_machine, resolve_threads
from app.core.models.inventory import InstalledModel, Inventory
from app.core.models.model_catalog import (
    CatalogEntry,
    EmbedderEntry,
    find_embedder,
    find_entry,
    load_catalog,
    load_embedders,
)
from app.core.models.starter import ensure_starter_model, is_verified_starter
from app.core.models.vetting import Vetted, vet_model
from app.core.models.worker import ModelJobContext, ModelWorker
from app.core.paths import AppPaths
from app.core.settings import Settings
from app.core.worker import Job, JobContext, Worker

T = TypeVar("T")
Installed = InstalledModel | InstalledEmbedder  # what a finished download gives


def choose_gpu_layers(settings: Settings, path: Path, machine: Machine | None) -> int:
    """The setting, else as many layers as the free VRAM holds (0 without a GPU backend)."""
    if settings.gpu_layers is not None:
        return settings.gpu_layers
    if machine is None or not machine.gpu_offload:
        return 0
    gpu = machine.usable_gpu
    if gpu is None:
        return -1  # a GPU backend that reports no memory figure (e.g. unified memory)
    shape = read_gguf_info(path).shape()
    if shape is None:
        return 0
    return gpu_layers_for(shape, settings.context_length, gpu.free_bytes)


@dataclass(frozen=True)
class CatalogChoice:
    entry: CatalogEntry
    fit: Fit
    installed: bool
    partial_bytes: int  # bytes of a paused download, 0 if none


@dataclass(frozen=True)
class EmbedderChoice:
    entry: EmbedderEntry
    installed: bool
    partial_bytes: int  # bytes of a paused download, 0 if none


@dataclass(frozen=True)
class ModelsOverview:
    """Everything the models view shows, gathered off the GUI thread."""

    machine: Machine
    installed: list[InstalledModel]
    active: InstalledModel | None
    catalog: list[CatalogChoice]
    pending: list[PartialDownload]
    embedders: list[InstalledEmbedder] = field(default_factory=list)
    active_embedder: InstalledEmbedder | None = None
    embedder_catalog: list[EmbedderChoice] = field(default_factory=list)
    pending_embedders: list[PausedEmbedder] = field(default_factory=list)


@dataclass(frozen=True)
class DownloadHandle(Generic[T]):
    """A queued or running download: what it fetches, its job's events, pause or cancel."""

    id: str
    name: str
    size_bytes: int | None  # the whole download (for a folder, all its files)
    job: Job[T]
    control: DownloadControl

    def pause(self) -> None:
        self.control.pause()

    def cancel(self) -> None:
        self.control.cancel()


class ModelService:
    def __init__(
        self,
        worker: ModelWorker,
        paths: AppPaths,
        *,
        models_worker: Worker | None = None,
        download_worker: Worker | None = None,
        settings: Callable[[], Settings] = Settings,
        update_settings: Callable[..., Settings] | None = None,
        home: Path | None = None,
    ) -> None:
        self._worker = worker
        self._models_worker = models_worker
        self._download_worker = download_worker
        self._settings = settings
        self._update_settings = update_settings
        self._paths = paths
        self.inventory = Inventory(paths.models, home)
        self.downloader = Downloader(paths.models)
        self.installer = EmbedderInstaller(self.downloader)
        self._catalog: list[CatalogEntry] | None = None
        self._embedder_catalog: list[EmbedderEntry] | None = None
        self._machine: Machine | None = None

    # What there is -------------------------------------------------------------

    def machine(self, *, refresh: bool = False) -> Machine:
        """This computer's memory and GPUs (slow the first time: not on the GUI thread)."""
        if self._machine is None or refresh:
            self._machine = detect_machine()
        return self._machine

    def catalog(self) -> list[CatalogEntry]:
        if self._catalog is None:
            self._catalog = load_catalog()
        return self._catalog

    def catalog_choices(self, settings: Settings, machine: Machine) -> list[CatalogChoice]:
        installed = {m.path.name for m in self.inventory.models(external=False) if m.present}
        partial = {p.request.id: p.done for p in self.downloader.pending()}
        return [
            CatalogChoice(
                entry,
                assess(entry.shape, settings.context_length, machine),
                entry.filename in installed,
                partial.get(entry.id, 0),
            )
            for entry in self.catalog()
        ]

    def overview(self) -> Job[ModelsOverview]:
        """Queue a survey of this machine, the installed models and the catalog's fit."""

        def run(ctx: JobContext) -> ModelsOverview:
            settings = self._settings()
            machine = self.machine()
            installed = self.installed()
            active = next((m for m in installed if self.is_active(m, settings)), None)
            choices = self.catalog_choices(settings, machine)
            embedders = self.installed_embedders()
            return ModelsOverview(
                machine,
                installed,
                active,
                choices,
                self.pending_downloads(),
                embedders,
                next((e for e in embedders if self.is_active_embedder(e, settings)), None),
                self.embedder_choices(),
                self.pending_embedders(),
            )

        return self._worker_for("models").submit("models overview", run)

    def installed(self) -> list[InstalledModel]:
        return self.inventory.models()

    def pending_downloads(self) -> list[PartialDownload]:
        return self.downloader.pending()

    def is_active(self, model: InstalledModel, settings: Settings) -> bool:
        if settings.model_path is None:
            return model.source == "starter"
        try:
            return model.path.resolve() == Path(settings.model_path).expanduser().resolve()
        except OSError:
            return False

    def model_path_for(self, name: str) -> str | None:
        """The `model_path` setting that selects `name` (None: the starter)."""
        model = self.inventory.find(name)
        if not model.present:
            raise ModelError(f"{model.name} is missing from {model.path}.")
        return None if model.source == "starter" else str(model.path)

    # Loading --------------------------------------------------------------------

    def resolve_model_path(self, settings: Settings, ctx: JobContext | None = None) -> Path:
        """The configured model file; the starter (assembled on first use) by default."""
        if settings.model_path:
            return Path(settings.model_path).expanduser()

        def report(done: int, total: int) -> None:
            if ctx is not None:
                ctx.progress("Preparing the starter model", done, total)

        return ensure_starter_model(self._paths.models, report)

    def vet(self, path: Path, cancel: CancelToken | None = None) -> Vetted:
        """Check a model file (header, then a trial load in a child process); cached per file.

        The starter is exempt: it ships with the app and its SHA-256 was verified
        against the published one, which says more than a trial load can.
        """
        if is_verified_starter(path):
            stat = path.stat()
            return Vetted(str(path), stat.st_size, stat.st_mtime_ns, 0, True, "")
        return vet_model(path, self._paths.cache / "vetted-models.json", cancel)

    def engine_config(self, settings: Settings, path: Path, vetted: Vetted) -> EngineConfig:
        return EngineConfig(
            model_path=path,
            context_length=settings.context_length,
            gpu_layers=self.gpu_layers(settings, path),
            threads=resolve_threads(settings.threads),
            use_chat_template=vetted.template_ok,
        )

    def gpu_layers(self, settings: Settings, path: Path) -> int:
        if settings.gpu_layers is not None or not gpu_offload_supported():
            return choose_gpu_layers(settings, path, None)
        return choose_gpu_layers(settings, path, self.machine())

    def load(self, settings: Settings) -> Job[ModelInfo]:
        """Queue a (re)load of the model the settings name, checking the file first."""

        def run(ctx: ModelJobContext) -> ModelInfo:
            path = self.resolve_model_path(settings, ctx)
            ctx.progress("Checking the model file", 0, 1)
            vetted = self.vet(path, ctx.cancel)
            ctx.progress("Checking the model file", 1, 1)
            if not vetted.template_ok and vetted.template_note:
                ctx.notice(f"{path.name}: {vetted.template_note}.")
            config = self.engine_config(settings, path, vetted)
            return ctx.replace_engine(lambda: Engine(config)).info

        return self._worker.submit("load model", run)

    # Getting models ---------------------------------------------------------------

    def download_request(self, name: str) -> DownloadRequest:
        entry = find_entry(self.catalog(), name)
        return DownloadRequest.from_entry(entry) if entry else DownloadRequest.from_hub_path(name)

    def download(self, name: str) -> DownloadHandle[Installed]:
        """Queue the download of a catalog model or embedder (or an owner/repo/file.gguf).

        The job's result is the `InstalledModel`, or for an embedder the `InstalledEmbedder`.
        """
        entry = self.embedder_entry(name)
        if entry is not None:
            return self._download_embedder(entry)
        request = self.download_request(name)
        control = DownloadControl()

        def run(ctx: JobContext) -> Installed:
            control.token = ctx.cancel  # the job's own token: cancelling the job stops it
            done = self.downloader.fetch(request, control, ctx.update, hf_token.get_token())
            name = request.name or request.filename
            return self.inventory.record(request.id, name, done.path, "download", done.sha256)

        job = self._worker_for("download").submit(f"download {request.id}", run)
        control.token = job.cancel_token
        return DownloadHandle(
            request.id, request.name or request.filename, request.size_bytes, job, control
        )

    def _download_embedder(self, entry: EmbedderEntry) -> DownloadHandle[Installed]:
        control = DownloadControl()

        def run(ctx: JobContext) -> Installed:
            control.token = ctx.cancel
            self.installer.install(entry, control, ctx.update, hf_token.get_token())
            return self.inventory.find_embedder(entry.id)

        job = self._worker_for("download").submit(f"download {entry.id}", run)
        control.token = job.cancel_token
        return DownloadHandle(entry.id, entry.name, entry.size_bytes, job, control)

    def add(self, path: Path) -> Job[InstalledModel]:
        """Queue the import of a local GGUF file, used in place after it passes its checks."""

        def run(ctx: JobContext) -> InstalledModel:
            return self.add_now(path, ctx.cancel)

        return self._worker_for("models").submit(f"add {Path(path).name}", run)

    def add_now(self, path: Path, cancel: CancelToken | None = None) -> InstalledModel:
        source = Path(path).expanduser()
        if source.suffix.lower() != ".gguf":
            raise ModelError(f"{source.name} is not a .gguf model file.")
        source = source.resolve()
        known = self.inventory.find_by_path(source)
        self.vet(source, cancel)
        if known is not None:
            return known
        name = read_gguf_info(source).name
        return self.inventory.record(self.inventory.unique_id(source.stem), name, source, "import")

    def use(self, name: str) -> Job[Settings]:
        """Queue a switch to `name`: its file is checked, then the setting saved.

        The caller reloads the model with the returned settings.
        """

        def run(ctx: JobContext) -> Settings:
            model_path = self.model_path_for(name)
            if model_path is not None:
                self.vet(Path(model_path), ctx.cancel)
            if self._update_settings is None:
                raise ModelError("Settings cannot be changed in this session.")
            return self._update_settings(model_path=model_path)

        return self._worker_for("models").submit(f"use {name}", run)

    def remove(self, name: str, settings: Settings) -> InstalledModel:
        model = self.inventory.find(name)
        self.inventory.check_removable(model)
        if self.is_active(model, settings):
            raise ModelError(f"{model.name} is the model in use; switch to another one first.")
        self.inventory.remove(model)
        return model

    def discard_partial(self, name: str) -> None:
        entry = self.embedder_entry(name)
        if entry is not None:
            self.installer.discard(entry.id)
        else:
            self.downloader.discard(self.download_request(name))

    # Embedding models -------------------------------------------------------------

    def embedder_catalog(self) -> list[EmbedderEntry]:
        if self._embedder_catalog is None:
            self._embedder_catalog = load_embedders()
        return self._embedder_catalog

    def embedder_entry(self, name: str) -> EmbedderEntry | None:
        return find_embedder(self.embedder_catalog(), name)

    def embedder_choices(self) -> list[EmbedderChoice]:
        installed = {e.id for e in self.installed_embedders()}
        partial = {p.id: p.done for p in self.pending_embedders()}
        return [
            EmbedderChoice(entry, entry.id in installed, partial.get(entry.id, 0))
            for entry in self.embedder_catalog()
        ]

    def installed_embedders(self) -> list[InstalledEmbedder]:
        return self.inventory.embedders()

    def pending_embedders(self) -> list[PausedEmbedder]:
        return self.installer.pending()

    def is_embedder(self, name: str) -> bool:
        """Whether `name` is an embedding model (in the catalog, or installed)."""
        if self.embedder_entry(name) is not None:
            return True
        wanted = name.strip().lower()
        return any(wanted in (e.id.lower(), e.name.lower()) for e in self.installed_embedders())

    def is_active_embedder(self, embedder: InstalledEmbedder, settings: Settings) -> bool:
        """Whether `embedder` is the one new libraries and re-indexing use."""
        if is_starter(settings.embedding_model) or embedder.source == "builtin":
            return is_starter(settings.embedding_model) and embedder.source == "builtin"
        try:
            return embedder_name(settings.embedding_model) in (
                embedder.id,
                str(embedder.path.resolve()),
            )
        except OSError:
            return False

    def embedding_model_for(self, name: str) -> str | None:
        """The `embedding_model` setting that selects `name` (None: the built-in one).

        Refuses a model that is not installed, or whose folder is incomplete.
        """
        try:
            embedder = self.inventory.find_embedder(name)
        except ModelError:
            entry = self.embedder_entry(name)
            if entry is None:
                raise
            raise ModelError(
                f"{entry.name} is not downloaded yet: run `confidente models download "
                f"{entry.id}` (or Models → Embedding models → Download)."
            ) from None
        if embedder.source == "builtin":
            return None
        embedder_spec(embedder.id, self._paths.models)  # raises, saying why, if unusable
        return embedder.id

    def use_embedder(self, name: str) -> Job[Settings]:
        """Queue a switch of the embedding model for new libraries and re-indexing.

        Existing libraries keep theirs until re-indexed: their vectors were made
        by it, and mixing two models in one index would find nothing.
        """

        def run(ctx: JobContext) -> Settings:
            value = self.embedding_model_for(name)
            if self._update_settings is None:
                raise ModelError("Settings cannot be changed in this session.")
            return self._update_settings(embedding_model=value)

        return self._worker_for("models").submit(f"use {name}", run)

    def remove_embedder(self, name: str, settings: Settings) -> InstalledEmbedder:
        """Delete a downloaded embedding model, unless the settings name it.

        A library indexed with it then says so when searched; re-indexing it
        moves it to the embedding model in the settings.
        """
        embedder = self.inventory.find_embedder(name)
        if self.is_active_embedder(embedder, settings) and embedder.removable:
            raise ModelError(
                f"{embedder.name} is the embedding model in use; choose another one first."
            )
        self.inventory.remove_embedder(embedder)
        return embedder

    def _worker_for(self, kind: str) -> Worker:
        worker = self._download_worker if kind == "download" else self._models_worker
        if worker is None:
            raise ModelError("Model management is not available in this session.")
        return worker
