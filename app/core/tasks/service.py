"""The task service: one door to the document tasks, for the window and the CLI alike.

Each task is one job on the model worker (the model is needed for all but
compare, and one job at a time keeps the model's memory bounded). The job reads
its documents first, through the sandboxed reader, then does its parts,
reporting `progress("parts", done, total)` and each partial result with
`update(...)`, so a cancelled job keeps what it finished.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from app.core.cancel import CancelToken
from app.core.documents.api import Documents
from app.core.documents.language import Language
from app.core.models.worker import ModelJobContext, ModelWorker
from app.core.settings import Settings
from app.core.tasks.compare import Comparison, compare_documents
from app.core.tasks.extract import Extraction, extract_fields
from app.core.tasks.pages import Document, PageRange, select_pages
from app.core.tasks.summarize import Summary, SummaryLength, summarize_document
from app.core.tasks.translate import Translation, translate_document
from app.core.worker import Job


class TaskService:
    def __init__(
        self, worker: ModelWorker, documents: Documents, settings: Callable[[], Settings]
    ) -> None:
        self._worker = worker
        self._documents = documents
        self._settings = settings

    def read(self, path: str | Path, pages: PageRange | None, cancel: CancelToken) -> Document:
        """The document's pages (those in `pages`), read in the sandbox."""
        extracted = self._documents.read_document(path, cancel)
        return select_pages(Path(path), extracted, pages)

    def summarize(
        self, path: str | Path, pages: PageRange | None = None, length: SummaryLength = "short"
    ) -> Job[Summary]:
        def run(ctx: ModelJobContext) -> Summary:
            return summarize_document(ctx, self.read(path, pages, ctx.cancel), length)

        return self._worker.submit("summarize", run)

    def extract(
        self, path: str | Path, fields: Sequence[str], pages: PageRange | None = None
    ) -> Job[Extraction]:
        def run(ctx: ModelJobContext) -> Extraction:
            return extract_fields(ctx, self.read(path, pages, ctx.cancel), tuple(fields))

        return self._worker.submit("extract", run)

    def compare(self, old: str | Path, new: str | Path) -> Job[Comparison]:
        def run(ctx: ModelJobContext) -> Comparison:
            before = self.read(old, None, ctx.cancel)
            after = self.read(new, None, ctx.cancel)
            return compare_documents(ctx, before, after)

        return self._worker.submit("compare", run)

    def translate(
        self, path: str | Path, target: Language, pages: PageRange | None = None
    ) -> Job[Translation]:
        def run(ctx: ModelJobContext) -> Translation:
            return translate_document(ctx, self.read(path, pages, ctx.cancel), target)

        return self._worker.submit("translate", run)
