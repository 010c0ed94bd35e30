"""The ingest pipeline: files and folders into the index, with progress and cancel.

Each file goes through: hash → read in the sandboxed child → chunk → embed →
write. Writing follows a fixed order so that killing the process at any
moment leaves an index that opens and answers: the catalog row is first
marked "writing" (invisible to searches) together with its new passages,
then the vectors are replaced, then the row is marked "indexed". The next
write job clears whatever a killed one left in "writing", and checks that
every indexed passage has its vector (re-embedding from the stored text if
not, `libraries.repair`), so re-running the same `add` finishes the job.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from app.core.documents.chunking import chunk_pages
from app.core.documents.document_index import Catalog, FileRecord, Library
from app.core.documents.embedder import Embedder, chunk_limits, embedder_name
from app.core.documents.formats import kind_of, scan
from app.core.documents.libraries import forget, repair
from app.core.documents.limits import BrokenDocument, ExtractionLimits, UnreadableDocument
from app.core.documents.records import (
    Chunk,
    FileOutcome,
    FileStatus,
    IngestProgress,
    IngestReport,
)
from app.core.documents.sandbox import IsolatedExtractor, ReaderUnavailable
from app.core.documents.vectors import VectorIndex
from app.core.errors import ConfidenteError
from app.core.settings import Settings
from app.core.worker import JobContext

EMBED_BATCH = 64
_HASH_BLOCK = 1 << 20


def content_hash(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as file:
        while block := file.read(_HASH_BLOCK):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


class PageRate:
    """Pages read per second since the job started."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.pages = 0

    @property
    def per_second(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.pages / elapsed if elapsed > 0 else 0.0


class Ingest:
    """Reads, chunks, embeds and writes files into a library (on the index worker)."""

    def __init__(
        self,
        catalog: Catalog,
        vectors: VectorIndex,
        embedder: Callable[[str | None], Embedder],
        limits: ExtractionLimits,
        settings: Callable[[], Settings],
    ) -> None:
        self._catalog = catalog
        self._vectors = vectors
        self._embedder = embedder
        self._limits = limits
        self._settings = settings

    def run(
        self, ctx: JobContext, name: str, paths: Sequence[str | Path], *, force: bool
    ) -> IngestReport:
        """Index `paths` into library `name`; `force` reads unchanged files again."""
        settings = self._settings()
        # A new library takes the model in Settings; an existing one keeps its own until
        # `reindex` moves it (its vectors mean nothing to another model).
        library = self._catalog.library(name, embedder_name(settings.embedding_model))
        assert library is not None
        embedder = self._embedder(library.embedding_model)
        repair(ctx, self._catalog, self._vectors, self._embedder, library)

        found = scan(paths)
        vanished = self._forget_vanished(library, paths, set(map(str, found.files)))
        gone = {o.path for o in vanished}
        outcomes: list[FileOutcome] = [
            o for o in found.skipped if str(Path(o.path).expanduser().absolute()) not in gone
        ]
        for outcome in outcomes:
            self._remember_skipped(library, outcome)
        outcomes.extend(vanished)
        rate = PageRate()
        chunks_total = 0
        total = len(found.files)
        with IsolatedExtractor(self._limits) as extractor:
            for index, path in enumerate(found.files):
                if ctx.cancel.cancelled:
                    outcomes.extend(
                        FileOutcome(str(p), FileStatus.CANCELLED, "Cancelled before it was read.")
                        for p in found.files[index:]
                    )
                    break

                def progress(
                    stage: str,
                    outcome: FileOutcome | None = None,
                    passages: tuple[int, int] = (0, 0),
                    *,
                    at: int = index,
                ) -> None:
                    ctx.update(
                        IngestProgress(
                            str(found.files[at]),
                            at,
                            total,
                            rate.pages,
                            rate.per_second,
                            stage,
                            outcome,
                            *passages,
                        )
                    )

                progress("reading")
                outcome = self._ingest_file(
                    ctx, library, path, extractor, embedder, settings, force, progress
                )
                rate.pages += outcome.pages
                chunks_total += outcome.chunks
                outcomes.append(outcome)
                progress("done", outcome)
        if any(o.status in (FileStatus.INDEXED, FileStatus.REMOVED) for o in outcomes):
            self._catalog.scrub()
        return IngestReport(
            library.name,
            tuple(outcomes),
            rate.pages,
            chunks_total,
            time.monotonic() - rate.started,
        )

    def _ingest_file(
        self,
        ctx: JobContext,
        library: Library,
        path: Path,
        extractor: IsolatedExtractor,
        embedder: Embedder,
        settings: Settings,
        force: bool,
        progress: Callable[[str, FileOutcome | None, tuple[int, int]], None],
    ) -> FileOutcome:
        key = str(path)
        kind = kind_of(path) or ""
        try:
            digest, size = content_hash(path)
        except OSError as exc:
            return FileOutcome(key, FileStatus.FAILED, f"Cannot open the file: {exc.strerror}.")
        record = self._catalog.file(library.id, key)
        if record is not None and record.content_hash == digest and not force:
            if record.state == "indexed":
                return FileOutcome(key, FileStatus.UNCHANGED, "", 0, 0)
            if record.state in ("skipped", "failed"):
                status = FileStatus.SKIPPED if record.state == "skipped" else FileStatus.FAILED
                return FileOutcome(key, status, record.reason + " (unchanged since the last try)")
        try:
            extracted = extractor.extract(path, ctx.cancel)
        except (UnreadableDocument, BrokenDocument) as exc:
            status = (
                FileStatus.SKIPPED if isinstance(exc, UnreadableDocument) else FileStatus.FAILED
            )
            self._record_unread(library, record, key, kind, digest, size, status, str(exc))
            return FileOutcome(key, status, str(exc))
        except ReaderUnavailable as exc:  # not the file's fault: try again next time
            return FileOutcome(key, FileStatus.FAILED, str(exc))
        except ConfidenteError as exc:  # cancelled while reading
            return FileOutcome(key, FileStatus.CANCELLED, str(exc))

        chunks = chunk_pages(
            extracted.pages,
            *chunk_limits(embedder, settings.chunk_size, settings.chunk_overlap, extracted.pages),
        )
        pages = len(extracted.pages)
        if not chunks:
            reason = "No text found in this file."
            status = FileStatus.SKIPPED
            self._record_unread(library, record, key, kind, digest, size, status, reason)
            return FileOutcome(key, FileStatus.SKIPPED, reason, pages)
        vectors = []
        for offset in range(0, len(chunks), EMBED_BATCH):
            progress("embedding", None, (offset, len(chunks)))
            if ctx.cancel.cancelled:
                return FileOutcome(key, FileStatus.CANCELLED, "Cancelled while indexing.")
            batch = _embedding_texts(chunks[offset : offset + EMBED_BATCH])
            vectors.append(embedder.encode_passages(batch))
        import numpy as np

        progress("writing", None, (len(chunks), len(chunks)))
        file_id, ids = self._catalog.begin_file(
            library.id, key, kind=kind, content_hash=digest, size=size, chunks=chunks
        )
        self._vectors.delete_file(library.id, file_id)
        self._vectors.add(library.id, file_id, ids, np.concatenate(vectors))
        self._catalog.finish_file(file_id, pages=pages, chunks=len(chunks))
        return FileOutcome(key, FileStatus.INDEXED, "", pages, len(chunks))

    def _remember_skipped(self, library: Library, outcome: FileOutcome) -> None:
        """Keep a file the scan left out (an image, a binary) in the listing, with why."""
        path = Path(outcome.path).resolve()
        if outcome.status is not FileStatus.SKIPPED or not path.is_file():
            return
        key = str(path)
        record = self._catalog.file(library.id, key)
        size = path.stat().st_size
        self._record_unread(library, record, key, "", "", size, outcome.status, outcome.reason)

    def _record_unread(
        self,
        library: Library,
        record: FileRecord | None,
        path: str,
        kind: str,
        digest: str,
        size: int,
        status: FileStatus,
        reason: str,
    ) -> None:
        """Remember a file we did not index, and why; passages it had before are forgotten."""
        if record is not None and record.chunks:
            forget(self._catalog, self._vectors, library, record)
        self._catalog.record_unread(
            library.id,
            path,
            kind=kind,
            content_hash=digest,
            size=size,
            state=status.value,
            reason=reason,
        )

    def _forget_vanished(
        self, library: Library, paths: Iterable[str | Path], present: set[str]
    ) -> list[FileOutcome]:
        """Files known under an added folder (or added by name) that no longer exist."""
        outcomes: list[FileOutcome] = []
        for path in paths:
            root = Path(path).expanduser().absolute()
            for record in self._catalog.files_under(library.id, str(root)):
                if record.path not in present and not Path(record.path).exists():
                    forget(self._catalog, self._vectors, library, record)
                    outcomes.append(
                        FileOutcome(record.path, FileStatus.REMOVED, "The file no longer exists.")
                    )
        return outcomes


def _embedding_texts(chunks: Sequence[Chunk]) -> list[str]:
    return [chunk.text for chunk in chunks]
