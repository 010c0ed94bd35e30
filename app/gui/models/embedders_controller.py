"""The work behind the Models dialog's embedding models: making one the model for new
libraries, and removing a downloaded one.

Downloads of embedding models go through `ModelsController`, with the chat models'
(same rows, same pause and resume); `ModelsController` owns one of these as
`embedders` and refreshes its overview when one of them changed something. Like it,
nothing here touches a file on the GUI thread: switching is a core job (it checks the
model's folder, then saves the `embedding_model` setting), removing runs through
`run_in_background`.

`ModelWork`, what both controllers are made of (core's `ModelService`, the window's
`TaskManager`, the settings, and how they report back), is here rather than in
`models_controller`, which imports this module.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

from PySide6.QtCore import QObject, Signal, Slot

from app.core.errors import ConfidenteError
from app.core.models.embedders import InstalledEmbedder
from app.core.models.service import ModelService
from app.core.settings import Settings
from app.core.worker import Failed
from app.gui.tasks import TaskManager

T = TypeVar("T")


def attempt(call: Callable[[], T]) -> T | ConfidenteError:
    """Run `call` (in the background); an expected failure is returned, to be shown."""
    try:
        return call()
    except ConfidenteError as error:
        return error


class ModelWork(QObject):
    """A controller of model work: it asks core's `ModelService`, runs what may block off
    the GUI thread through the window's `TaskManager`, and reads the settings in force.

    Signals:
        message_posted(str): one line about something that ended, for the status bar.
        error_occurred(object, str): an exception to show, with its report ("" if expected).
    """

    message_posted = Signal(str)
    error_occurred = Signal(object, str)

    def __init__(
        self,
        models: ModelService,
        tasks: TaskManager,
        settings: Callable[[], Settings],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._models = models
        self._tasks = tasks
        self._settings = settings

    def _attempt_in_background(
        self,
        call: Callable[[], T],
        on_done: Callable[[T], None],
        then: Callable[[], None] | None = None,
    ) -> None:
        """Run `call` off the GUI thread, then `on_done` with its result; an expected
        failure (a `ConfidenteError`) is shown instead. `then` runs after either."""

        def done(outcome: T | ConfidenteError) -> None:
            if isinstance(outcome, ConfidenteError):
                self.error_occurred.emit(outcome, "")
            else:
                on_done(outcome)
            if then is not None:
                then()

        self._tasks.run_in_background(lambda: attempt(call), done)

    @Slot(object)
    def on_job_failed(self, failed: object) -> None:
        failure = cast(Failed, failed)
        self.error_occurred.emit(failure.error, failure.report)


class EmbeddersController(ModelWork):
    """Uses and removes embedding models for the Models dialog.

    Signals:
        embedder_switched(object, str): the `Settings` saved with another embedding model
            for new libraries and re-indexing, and that model's name.
        embedders_changed(): the installed embedding models or the one in use changed.
        activity_changed(): a switch started or ended (see `activity`).
        message_posted(str), error_occurred(object, str): as `ModelWork`'s.
    """

    embedder_switched = Signal(object, str)
    embedders_changed = Signal()
    activity_changed = Signal()

    _switching: str | None = None  # the name of the model being switched to

    @property
    def switching(self) -> bool:
        return self._switching is not None

    def embedding_model(self) -> str | None:
        """The `embedding_model` setting: an id, a folder, or None for the built-in model."""
        return self._settings().embedding_model

    def activity(self) -> str:
        if self._switching is None:
            return ""
        return self.tr("Switching the embedding model to {name}…").format(name=self._switching)

    def use(self, key: str, label: str = "") -> None:
        """Check the model's folder, then save it as the model for new libraries."""
        if self._switching is not None:
            return
        try:
            job = self._models.use_embedder(key)
        except ConfidenteError as error:
            self.error_occurred.emit(error, "")
            return
        self._switching = label or key
        bridge = self._tasks.follow(job)
        bridge.finished.connect(self.on_switched)
        bridge.failed.connect(self.on_switch_failed)
        self.activity_changed.emit()

    @Slot(object)
    def on_switched(self, result: object) -> None:
        name = self._switching or ""
        self._switching = None
        self.activity_changed.emit()
        self.message_posted.emit(self.tr("New libraries now use {name}.").format(name=name))
        self.embedder_switched.emit(cast(Settings, result), name)
        self.embedders_changed.emit()

    @Slot(object)
    def on_switch_failed(self, failed: object) -> None:
        self._switching = None
        self.activity_changed.emit()
        self.on_job_failed(failed)
        self.embedders_changed.emit()  # what is installed may have changed meanwhile

    def remove(self, key: str) -> None:
        """Delete a downloaded embedding model's folder (not the one in use)."""
        models, settings = self._models, self._settings()
        self._attempt_in_background(
            lambda: models.remove_embedder(key, settings),
            self._on_removed,
            then=self.embedders_changed.emit,
        )

    def _on_removed(self, embedder: InstalledEmbedder) -> None:
        self.message_posted.emit(
            self.tr("{name} removed and its folder deleted.").format(name=embedder.name)
        )
