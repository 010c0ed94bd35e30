"""The Documents pane docked on the right of the window, with the library behind it.

The dock owns the pane (`DocumentsPanel`) and the `LibraryController` that does
its work, and `DocumentTasks` for the document tasks of a file's context menu; the
window listens to the controller for what the chat needs to know
(the library chosen, documents added). Cited passages open in the source
viewer, one per window, reused.
"""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QDockWidget, QWidget

from app.core.documents.api import Documents
from app.core.documents.records import Source
from app.core.tasks.service import TaskService
from app.gui.documents.document_tasks import DocumentTasks
from app.gui.documents.library import LibraryController
from app.gui.documents.panel import DocumentsPanel
from app.gui.documents.source_viewer import SourceViewer
from app.gui.i18n import Retranslated
from app.gui.tasks import TaskManager


class DocumentsDock(Retranslated, QDockWidget):
    """The Documents pane, movable and closable, and the source viewer.

    Signals:
        status_posted(str, int): a status bar message about documents, and for how
            long it stays (ms).
    """

    status_posted = Signal(str, int)

    def __init__(
        self,
        documents: Documents,
        tasks: TaskManager,
        window: QWidget,
        task_service: TaskService,
    ) -> None:
        super().__init__(window)
        self._documents = documents
        self._tasks = tasks
        self.setObjectName("documentsDock")
        self.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.panel = DocumentsPanel()
        self.setWidget(self.panel)
        self.library = LibraryController(documents, tasks, self.panel, window)
        self.library.job_ended.connect(lambda summary: self.status_posted.emit(summary, 15_000))
        self.library.notice_received.connect(lambda text: self.status_posted.emit(text, 10_000))
        self.source_viewer: SourceViewer | None = None
        # A file's context menu: summarise, extract, compare, translate (with the model).
        self.document_tasks = DocumentTasks(task_service, tasks, self.panel, window)
        # A saved translation, into the library shown.
        self.document_tasks.add_requested.connect(lambda path: self.library.add([path]))
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Documents"))  # also the View menu's toggle action
        self.setAccessibleName(self.tr("Documents"))

    @Slot()
    def on_add_files(self) -> None:
        """Ctrl+O: show the pane and pick files to add to its library."""
        self.show()
        self.panel.on_add_files_clicked()

    def add(self, paths: list[str]) -> None:
        """Show the pane and index these files and folders into its library."""
        self.show()
        self.library.add(paths)

    def open_files(self, paths: list[str]) -> None:
        """Show the pane in front, add these files opened with Confidente to its library,
        and select them there (`LibraryController.open_files`)."""
        self.show()
        self.raise_()  # in front of the docks tabbed with it
        self.library.open_files(paths)

    @Slot(object)
    def open_source(self, source: object) -> None:
        """Show a cited passage in the source viewer (one viewer, reused)."""
        if not isinstance(source, Source) or source.removed:
            return
        if self.source_viewer is None:
            self.source_viewer = SourceViewer(self._documents, self._tasks, self.parentWidget())
        self.source_viewer.show_source(source)
        self.source_viewer.show()
        self.source_viewer.raise_()
        self.source_viewer.activateWindow()

    def close_viewer(self) -> None:
        """Close the windows the pane opened: the source viewer and task results."""
        if self.source_viewer is not None:
            self.source_viewer.close()
        self.document_tasks.close_windows()
