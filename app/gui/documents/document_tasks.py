"""Document tasks from the Documents pane: a file's context menu → options → result window.

The pane asks (`DocumentsPanel.task_requested`); this controller opens the
task's options dialog, starts the job through `TaskService` (a job on core's
model worker, never the GUI thread), follows it with a `JobBridge`, and shows
it in a non-modal `TaskResultWindow`. Several tasks may be open; they run one
after the other on the model worker.
"""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QWidget

from app.core.tasks.service import TaskService
from app.core.worker import Job
from app.gui.documents.panel import DocumentsPanel
from app.gui.documents.task_dialogs import (
    TASK_KINDS,
    TaskDialog,
    TaskRequest,
    task_dialog,
)
from app.gui.documents.task_results import TaskResultWindow
from app.gui.tasks import TaskManager


class DocumentTasks(QObject):
    """Opens task dialogs for the pane's files and runs what they ask."""

    def __init__(
        self, service: TaskService, tasks: TaskManager, panel: DocumentsPanel, window: QWidget
    ) -> None:
        super().__init__(window)
        self._service = service
        self._tasks = tasks
        self._panel = panel
        self._window = window
        self.dialog: TaskDialog | None = None  # the options dialog open, if any
        self._results: list[TaskResultWindow] = []
        panel.task_requested.connect(self.on_task_requested)

    @property
    def result_windows(self) -> list[TaskResultWindow]:
        """The result windows still open."""
        self._results = [w for w in self._results if shiboken6.isValid(w)]
        return list(self._results)

    @Slot(str, str)
    def on_task_requested(self, kind: str, path: str) -> None:
        if kind not in TASK_KINDS:
            return
        files = [f.path for f in self._panel.model.files()]
        if self.dialog is not None and shiboken6.isValid(self.dialog):
            self.dialog.close()
        dialog = task_dialog(kind, path, files, self._window)
        dialog.requested.connect(self.start)
        dialog.open()
        self.dialog = dialog

    @Slot(object)
    def start(self, request: TaskRequest) -> TaskResultWindow:
        """Start the task's job and show its window (progress now, the result later)."""
        bridge = self._tasks.follow(self._job(request))
        window = TaskResultWindow(request, bridge, self._tasks, self._window)
        self._results = [*self.result_windows, window]
        window.show()
        return window

    def _job(self, request: TaskRequest) -> Job[Any]:
        service = self._service
        if request.kind == "summarize":
            return service.summarize(request.path, request.pages, request.length)
        if request.kind == "extract":
            return service.extract(request.path, request.fields, request.pages)
        if request.kind == "compare":
            return service.compare(request.path, request.other)
        return service.translate(request.path, request.target, request.pages)

    def close_windows(self) -> None:
        """Close every result window (cancelling tasks still running) and the dialog."""
        for window in self.result_windows:
            window.close()
        if self.dialog is not None and shiboken6.isValid(self.dialog):
            self.dialog.close()
