"""The thread that owns the loaded model, and what its jobs receive.

llama.cpp is not thread-safe, so one `ModelWorker` thread holds the Engine and
runs jobs one at a time, in the order they were submitted. Its jobs receive a
`ModelJobContext`, which reaches the engine; jobs on other workers cannot.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from app.core.errors import ConfidenteError, ModelError
from app.core.models.engine import Engine
from app.core.worker import Job, JobContext, JobFunction, Worker

T = TypeVar("T")


class ModelJobContext(JobContext):
    """What a job function receives on the model worker: also the engine."""

    def __init__(self, worker: ModelWorker, job: Job[Any]) -> None:
        super().__init__(job)
        self._worker = worker

    @property
    def engine(self) -> Engine:
        return self._worker.engine()

    def replace_engine(self, factory: Callable[[], Engine]) -> Engine:
        """Unload the current model, then load another; on failure none is loaded."""
        return self._worker.replace_engine(factory)


class ModelWorker(Worker):
    """The thread that owns the loaded model."""

    def __init__(self) -> None:
        super().__init__("model")
        self._engine: Engine | None = None
        self._no_engine_reason = "No model is loaded yet."

    def submit(self, name: str, function: Callable[[ModelJobContext], T]) -> Job[T]:
        # `_context` below hands every job here a ModelJobContext.
        return super().submit(name, cast("JobFunction[T]", function))

    def engine(self) -> Engine:
        """The loaded engine; only for jobs running on this worker."""
        if self._engine is None:
            raise ModelError(self._no_engine_reason)
        return self._engine

    def replace_engine(self, factory: Callable[[], Engine]) -> Engine:
        self._release()
        try:
            engine = factory()
        except ConfidenteError as exc:
            self._no_engine_reason = str(exc)
            raise
        self._engine = engine
        return engine

    def _context(self, job: Job[Any]) -> ModelJobContext:
        return ModelJobContext(self, job)

    def _release(self) -> None:
        if self._engine is not None:
            self._engine.close()
            self._engine = None
