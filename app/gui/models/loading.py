"""Loading the model in the background, and showing how it goes.

The model's state goes loading → ready, or loading → failed → (Retry) loading.
The banner over the chat and the status bar follow it; a failure is also
explained in an error box. The window listens to `state_changed` to decide
what may be sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, Literal, cast

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QWidget

from app.core.models.engine import ModelInfo
from app.core.services import Services
from app.core.worker import Failed
from app.gui.errors import show_error
from app.gui.i18n import QT_TRANSLATE_NOOP
from app.gui.status import AppStatusBar, ModelBanner
from app.gui.tasks import TaskManager

ModelState = Literal["loading", "ready", "failed"]

# The message box's hint in each state; translated where shown (`ModelLoader.tr`).
HINTS: Final[Mapping[ModelState, str]] = {
    "loading": QT_TRANSLATE_NOOP(
        "ModelLoader",
        "Write a message; it is sent once the model has loaded. "
        "Enter sends, Shift+Enter starts a new line.",
    ),
    "ready": QT_TRANSLATE_NOOP(
        "ModelLoader", "Write a message. Enter sends, Shift+Enter starts a new line."
    ),
    "failed": QT_TRANSLATE_NOOP("ModelLoader", "No model is loaded: press “Retry loading” above."),
}


class ModelLoader(QObject):
    """Loads the configured model for `window`, one load after another on core's worker.

    Signals:
        state_changed(str): the model is now "loading", "ready" or "failed".
        notice_received(str): something the user should know about the load
            (e.g. fewer layers on the GPU than asked for).
    """

    state_changed = Signal(str)
    notice_received = Signal(str)

    def __init__(
        self,
        services: Services,
        tasks: TaskManager,
        banner: ModelBanner,
        status: AppStatusBar,
        window: QWidget,
    ) -> None:
        super().__init__(window)
        self._services = services
        self._tasks = tasks
        self._banner = banner
        self._status = status
        self._window = window
        self.state: ModelState = "loading"
        self.model: ModelInfo | None = None

    def hint(self) -> str:
        """What the message box says while empty, in the interface's language: whether
        and when a message is sent."""
        return self.tr(HINTS[self.state])

    @Slot()
    def load(self) -> None:
        """Queue a (re)load of the configured model; the window stays usable meanwhile."""
        self._set_state("loading")
        services = self._services
        bridge = self._tasks.follow(services.models.load(services.settings))
        bridge.progress_made.connect(self.on_load_progress)
        bridge.notice_received.connect(self.notice_received)
        bridge.finished.connect(self.on_model_loaded)
        bridge.failed.connect(self.on_model_failed)

    @Slot(str, int, int)
    def on_load_progress(self, label: str, done: int, total: int) -> None:
        percent = 100 * done // total if total else 0
        self._banner.show_loading(f"{label}: {percent} %")
        self._status.show_progress(done, total)

    @Slot(object)
    def on_model_loaded(self, info: object) -> None:
        self.model = cast(ModelInfo, info)
        self._status.show_model(self.model)
        if not self._status.currentMessage():  # never hides what a job just reported
            self._status.showMessage(self.tr("{name} is ready.").format(name=self.model.name), 5000)
        self._set_state("ready")

    @Slot(object)
    def on_model_failed(self, failed: object) -> None:
        failure = cast(Failed, failed)
        self.model = None
        self._set_state("failed", str(failure.error))
        self._status.show_model(None)
        show_error(
            self._window, failure.error, failure.report, title=self.tr("Could not load the model")
        )

    def _set_state(self, state: ModelState, error: str = "") -> None:
        self.state = state
        if state == "loading":
            self._banner.show_loading()
            self._status.show_loading()
        elif state == "failed":
            self._banner.show_failed(error)
        else:
            self._banner.hide()
        self.state_changed.emit(state)
