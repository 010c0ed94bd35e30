"""Which model to run, and loading it on the model worker."""

from __future__ import annotations

from pathlib import Path

from app.core.engine import Engine, EngineConfig, ModelInfo, gpu_offload_supported
from app.core.hardware import resolve_gpu_layers, resolve_threads
from app.core.paths import AppPaths
from app.core.settings import Settings
from app.core.starter import ensure_starter_model
from app.core.worker import Job, JobContext, ModelWorker


def engine_config(settings: Settings, model_path: Path) -> EngineConfig:
    return EngineConfig(
        model_path=model_path,
        context_length=settings.context_length,
        gpu_layers=resolve_gpu_layers(settings.gpu_layers, gpu_available=gpu_offload_supported()),
        threads=resolve_threads(settings.threads),
    )


class ModelService:
    def __init__(self, worker: ModelWorker, paths: AppPaths) -> None:
        self._worker = worker
        self._paths = paths

    def resolve_model_path(self, settings: Settings, ctx: JobContext | None = None) -> Path:
        """The configured model file; the starter (assembled on first use) by default."""
        if settings.model_path:
            return Path(settings.model_path).expanduser()

        def report(done: int, total: int) -> None:
            if ctx is not None:
                ctx.progress("Preparing the starter model", done, total)

        return ensure_starter_model(self._paths.models, report)

    def load(self, settings: Settings) -> Job[ModelInfo]:
        """Queue a (re)load of the model the settings name."""

        def run(ctx: JobContext) -> ModelInfo:
            config = engine_config(settings, self.resolve_model_path(settings, ctx))
            return ctx.replace_engine(lambda: Engine(config)).info

        return self._worker.submit("load model", run)
