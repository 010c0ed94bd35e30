"""The Documents pane: libraries, their files, citations and the source viewer."""

from app.gui.documents.citations import QuotesView, SourcesView, quoted_source
from app.gui.documents.dock import DocumentsDock
from app.gui.documents.opening import DocumentOpeningApplication
from app.gui.documents.source_viewer import SourceViewer

__all__ = [
    "DocumentOpeningApplication",
    "DocumentsDock",
    "QuotesView",
    "SourceViewer",
    "SourcesView",
    "quoted_source",
]
