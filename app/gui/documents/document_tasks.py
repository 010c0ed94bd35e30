"""Document tasks from the Documents pane: a file's context menu → options → result window.

The pane asks (`DocumentsPanel.task_requested`); this controller opens the
task's options dialog, starts the job through `TaskService` (a job on core's
model worker, never the GUI thread), follows it with a `JobBridge`, and shows
it in a non-modal `TaskResultWindow`. Several tasks may be open; they run one
after the other on the model worker. A task that ends with something to show
is also offered to the chat (`result_ready`), where the window keeps it in a
conversation: the request as the user's turn, the result with its sources.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QWidget

from app.core.documents.records import Source, file_name
from app.core.tasks.compare import Comparison
from app.core.tasks.extract import Extraction
from app.core.tasks.render import TaskResult, task_markdown, task_sources
from app.core.tasks.service import TaskService
from app.core.tasks.summarize import Summary
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


@dataclass(frozen=True)
class KeptResult:
    """A task's result as the chat keeps it."""

    request: str  # what was asked, shown as the user's turn
    markdown: str  # the result, its [n] markers citing `sources`
    sources: tuple[Source, ...]
    stopped: bool  # cancelled: the result is partial


class DocumentTasks(QObject):
    """Opens task dialogs for the pane's files and runs what they ask.

    Signals:
        result_ready(object): a task ended with a result worth keeping, as a
            `KeptResult` (a failed task, or one cancelled before it found
            anything, sends nothing).
        add_requested(str): add this file (a saved translation) to the library.
    """

    result_ready = Signal(object)
    add_requested = Signal(str)

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
        window.ended.connect(lambda result: self._offer(request, result))
        window.add_requested.connect(self.add_requested)
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

    def _offer(self, request: TaskRequest, result: object) -> None:
        if isinstance(result, TaskResult) and _holds(result):
            self.result_ready.emit(
                KeptResult(
                    self.request_text(request),
                    task_markdown(result, request.path),
                    task_sources(result),
                    result.partial,
                )
            )

    def request_text(self, request: TaskRequest) -> str:
        """What the user asked, in words, for the chat: "Summarise contract.pdf, pages 2-5"."""
        name = file_name(request.path)
        if request.kind == "summarize":
            text = self.tr("Summarise {name}").format(name=name)
        elif request.kind == "extract":
            text = self.tr("Extract {fields} from {name}").format(
                fields=", ".join(request.fields), name=name
            )
        elif request.kind == "compare":
            text = self.tr("Compare {old} with {new}").format(
                old=name, new=file_name(request.other)
            )
        else:
            language = self.tr("English") if request.target == "en" else self.tr("Spanish")
            text = self.tr("Translate {name} into {language}").format(name=name, language=language)
        if request.pages is not None and request.kind != "compare":
            first, last = request.pages.first, request.pages.last
            pages = str(first) if first == last else f"{first}-{last}"
            text += self.tr(", pages {pages}").format(pages=pages)
        return text

    def close_windows(self) -> None:
        """Close every result window (cancelling tasks still running) and the dialog."""
        for window in self.result_windows:
            window.close()
        if self.dialog is not None and shiboken6.isValid(self.dialog):
            self.dialog.close()


def _holds(result: TaskResult) -> bool:
    """Whether a result has anything to keep (a complete one always has)."""
    if not result.partial:
        return True
    if isinstance(result, Summary):
        return bool(result.points)
    if isinstance(result, Extraction):
        return any(row.cell.found for row in result.rows)
    if isinstance(result, Comparison):
        return bool(result.differences)
    return bool(result.pages)
