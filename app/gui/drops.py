"""Files and folders dropped on the window.

Only local files are taken (a dragged web link or remote URL is ignored), and
a `.gguf` is set apart: it is a model, not a document. The filter is installed
on the window and on the widgets that would otherwise take a drop themselves
(the message box would paste the file's URL as text).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, QObject, Signal
from PySide6.QtGui import QDragMoveEvent, QDropEvent

MODEL_SUFFIX = ".gguf"


@dataclass(frozen=True)
class DroppedFiles:
    documents: list[str]  # files and folders to index
    models: list[str]  # .gguf files, which are not documents


def dropped_files(mime: QMimeData) -> DroppedFiles:
    """Sort the local files of a drag; anything else in it is left out."""
    documents: list[str] = []
    models: list[str] = []
    if mime.hasUrls():
        for url in mime.urls():
            if not url.isLocalFile():
                continue
            path = url.toLocalFile()
            if not path:
                continue
            (models if Path(path).suffix.lower() == MODEL_SUFFIX else documents).append(path)
    return DroppedFiles(documents, models)


class FileDropFilter(QObject):
    """Takes drags of local files for the widgets it is installed on.

    Signals:
        files_dropped(object): the `DroppedFiles` of a drop with at least one local file.
    """

    files_dropped = Signal(object)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove) and isinstance(
            event,
            QDragMoveEvent,  # (a QDragEnterEvent is one too)
        ):
            if self._has_files(event.mimeData()):
                event.acceptProposedAction()
                return True
        elif kind == QEvent.Type.Drop and isinstance(event, QDropEvent):
            files = dropped_files(event.mimeData())
            if files.documents or files.models:
                event.acceptProposedAction()
                self.files_dropped.emit(files)
                return True
        return super().eventFilter(watched, event)

    @staticmethod
    def _has_files(mime: QMimeData) -> bool:
        return mime.hasUrls() and any(url.isLocalFile() for url in mime.urls())
