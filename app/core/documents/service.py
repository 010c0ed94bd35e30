"""Documents as a service: add, list, remove and search, for the GUI and the CLI alike.

Writes (add, remove, re-index) run as jobs on one "index" worker thread, so
there is a single writer and ingesting never waits behind the model; each holds
the store's write lock while it runs (`writer_lock.py`), so that a window and a
terminal never write at once: the second is refused with `LibraryBusy`. Reads
(listing, searching) may run on any thread and take no lock.

This is the one door to the documents; behind it, each concern has its module:
`search.py` (how a question finds passages), `ingest.py` (files into the index,
in a kill-safe order), `embedder_switch.py` (a library onto another embedding
model) and `libraries.py` (names, listings, removal, and the repair every write
job starts with).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from app.core.cancel import CancelToken
from app.core.data_key import DataKey, unlock
from app.core.documents.document_index import Catalog
from app.core.documents.embedder import Embedder, embedder_name
from app.core.documents.embedder_switch import needs_switch, switch_embedder, uses_other_embedder
from app.core.documents.ingest import Ingest
from app.core.documents.language import Language
from app.core.documents.libraries import (
    DEFAULT_LIBRARY,
    ForgetSources,
    check_library_name,
    delete_library,
    files_of,
    library_names,
    remove_files,
    removed_paths,
)
from app.core.documents.limits import ExtractionLimits
from app.core.documents.records import Extracted, FileOutcome, IndexedFile, IngestReport, Source
from app.core.documents.sandbox import extract_isolated
from app.core.documents.search import library_languages, search_library
from app.core.documents.vectors import VectorIndex
from app.core.documents.writer_lock import WriterKind, WriterLock
from app.core.errors import DocumentError
from app.core.paths import AppPaths
from app.core.settings import Settings
from app.core.worker import Job, JobContext, JobFunction, Worker

__all__ = ["DEFAULT_LIBRARY", "DocumentService"]

T = TypeVar("T")


class DocumentService:
    def __init__(
        self,
        worker: Worker,
        paths: AppPaths,
        settings: Callable[[], Settings],
        limits: ExtractionLimits | None = None,
        forget_sources: ForgetSources | None = None,
        *,
        writer: WriterKind = "terminal",
        key: DataKey | None = None,
    ) -> None:
        """`forget_sources` is told which files a removal took out, once they are out,
        so that the answers citing them forget them too (`ConversationStore.forget_sources`).
        `writer` says where this service runs ("window" in the index process), for the
        message another process gets when it wants to write meanwhile. `key` opens the
        encrypted catalog (by default the data folder's, see `data_key.unlock`)."""
        self._worker = worker
        self._forget_sources = forget_sources
        self._settings = settings
        self.limits = limits or ExtractionLimits()
        folder = paths.data / "documents"
        self.catalog = Catalog(folder / "catalog.sqlite3", key or unlock(paths))
        self.vectors = VectorIndex(folder / "vectors")
        self.writer_lock = WriterLock(folder, writer)
        self._embedders: dict[str, Embedder] = {}
        self._embedders_lock = threading.Lock()
        self._ingest = Ingest(self.catalog, self.vectors, self.embedder, self.limits, settings)

    def start(self) -> None:
        """Start the index worker's thread now (as `DocumentsProcess.start` does its child)."""
        self._worker.start()

    # Reading (any thread)

    def libraries(self) -> list[str]:
        return library_names(self.catalog)

    def files(self, library: str = DEFAULT_LIBRARY) -> list[IndexedFile]:
        return files_of(self.catalog, library)

    def languages(self, library: str = DEFAULT_LIBRARY) -> frozenset[Language]:
        return library_languages(self.catalog, library)

    def search(
        self,
        query: str,
        library: str = DEFAULT_LIBRARY,
        k: int = 5,
        mode: str = "hybrid",
        also: Sequence[str] = (),
    ) -> list[Source]:
        """The `k` most relevant passages, numbered from 1; [] when nothing is relevant.

        `also` holds other phrasings of the query (its translation); `mode` "keyword"
        or "vector" uses one index alone (for measuring). See `search.search_library`.
        """
        return search_library(
            self.catalog, self.vectors, self.embedder, query, library, k, mode, also
        )

    def warm_up(self, library: str = DEFAULT_LIBRARY) -> Job[bool]:
        """Load the library's embedding model in the background, so the first question
        does not wait for torch. Does nothing (False) for a library with no documents."""
        name = check_library_name(library)

        def run(ctx: JobContext) -> bool:
            found = self.catalog.library(name)
            if found is None or not self.catalog.passage_count_of(found.id):
                return False
            self.vectors.start()  # Chroma loads in its child while torch loads here
            self.embedder(found.embedding_model).encode(["warm up"])
            return True

        return self._worker.submit("load the embedding model", run)

    def uses_other_embedder(self, library: str = DEFAULT_LIBRARY) -> bool:
        """Whether the library's passages were made by another embedding model than the
        one in Settings, so that `reindex` would move them (`embedder_switch`)."""
        return uses_other_embedder(
            self.catalog, check_library_name(library), self._settings().embedding_model
        )

    def read_document(self, path: str | Path, cancel: CancelToken | None = None) -> Extracted:
        """A document's text as indexed, read in the sandbox (for the source viewer)."""
        return extract_isolated(Path(path), self.limits, cancel)

    def embedder(self, name: str | None) -> Embedder:
        """The embedding model `name`: one instance, shared by every search and job."""
        key = embedder_name(name)
        with self._embedders_lock:
            embedder = self._embedders.get(key)
            if embedder is None:
                embedder = Embedder(name)
                self._embedders[key] = embedder
            return embedder

    # Writing (one job at a time on the index worker)

    def add(self, paths: Sequence[str | Path], library: str = DEFAULT_LIBRARY) -> Job[IngestReport]:
        """Index files and folders; unchanged files are skipped, changed ones replaced,
        and files that vanished from an added folder are removed."""
        if not paths:
            raise DocumentError("Name at least one file or folder to add.")
        name = check_library_name(library)
        return self._write(
            "add documents", name, lambda ctx: self._ingest.run(ctx, name, list(paths), force=False)
        )

    def reindex(self, library: str = DEFAULT_LIBRARY) -> Job[IngestReport]:
        """Read every file of the library again, and forget those that are gone.

        A library indexed with another embedding model than the one in Settings
        moves to it first (`embedder_switch.switch_embedder`), so that it answers
        searches at every moment; reading the files again then also cuts the passages
        to what the new model reads. Cancelling during the move leaves the library
        on its old model, untouched; cancelling later leaves it on the new one,
        with the files not yet read again still in their old passages.
        """
        name = check_library_name(library)

        def run(ctx: JobContext) -> IngestReport:
            found = self.catalog.library(name)
            setting = self._settings().embedding_model
            if found is not None and needs_switch(found, setting):
                wanted = embedder_name(setting)
                cancelled = switch_embedder(
                    ctx, self.catalog, self.vectors, self.embedder, found, wanted
                )
                if cancelled is not None:
                    return cancelled
            paths = [f.path for f in self.catalog.files(found.id)] if found else []
            return self._ingest.run(ctx, name, paths, force=True)

        return self._write("re-index documents", name, run)

    def remove(
        self, paths: Sequence[str | Path], library: str = DEFAULT_LIBRARY
    ) -> Job[list[FileOutcome]]:
        """Forget files (or every file under a folder): their text leaves both indexes."""
        name = check_library_name(library)
        return self._write(
            "remove documents",
            name,
            lambda ctx: self._forgotten(
                remove_files(ctx, self.catalog, self.vectors, self.embedder, name, paths)
            ),
        )

    def delete_library(self, library: str) -> Job[list[FileOutcome]]:
        """Forget a library and every document in it, text and vectors."""
        name = check_library_name(library)
        return self._write(
            "delete a library",
            name,
            lambda ctx: self._forgotten(delete_library(ctx, self.catalog, self.vectors, name)),
        )

    def _write(self, job: str, library: str, function: JobFunction[T]) -> Job[T]:
        """Queue a write job that holds the store's write lock while it runs: taken as it
        starts, not when queued, so a job waiting its turn blocks no other process."""

        def run(ctx: JobContext) -> T:
            with self.writer_lock.hold(library):
                return function(ctx)

        return self._worker.submit(job, run)

    def _forgotten(self, outcomes: list[FileOutcome]) -> list[FileOutcome]:
        """`outcomes`, once the answers citing the removed files have forgotten them."""
        removed = removed_paths(outcomes)
        if removed and self._forget_sources is not None:
            self._forget_sources(removed)
        return outcomes

    def close(self) -> None:
        self.vectors.close()
        self.catalog.close()
