"""Documents as a service: add, list, remove and search, for the GUI and the CLI alike.

Writes (add, remove, re-index) run as jobs on one "index" worker thread, so
there is a single writer and ingesting never waits behind the model. Reads
(listing, searching) may run on any thread.

Each file goes through: hash → read in the sandboxed child → chunk → embed →
write. Writing follows a fixed order so that killing the process at any
moment leaves an index that opens and answers: the catalog row is first
marked "writing" (invisible to searches) together with its new passages,
then the vectors are replaced, then the row is marked "indexed". The next
write job clears whatever a killed one left in "writing", and checks that
every indexed passage has its vector (re-embedding from the stored text if
not), so re-running the same `add` finishes the job.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from app.core.cancel import CancelToken
from app.core.documents.chunking import chunk_pages
from app.core.documents.document_index import Catalog, FileRecord, Library, StoredChunk
from app.core.documents.embedder import Embedder, chunk_limits, embedder_name
from app.core.documents.extract import BrokenDocument, ExtractionLimits, UnreadableDocument
from app.core.documents.formats import kind_of, scan
from app.core.documents.language import Language, clear_language_of, language_of, languages_in
from app.core.documents.records import (
    Chunk,
    Extracted,
    FileOutcome,
    FileStatus,
    IndexedFile,
    IngestProgress,
    IngestReport,
    Source,
)
from app.core.documents.retrieval import (
    Candidate,
    content_terms,
    coverage,
    fuse_rankings,
    idf,
    is_relevant,
    keyword_query,
    term_query,
    worth_citing,
)
from app.core.documents.sandbox import IsolatedExtractor, ReaderUnavailable, extract_isolated
from app.core.documents.vectors import VectorIndex
from app.core.errors import ConfidenteError, DocumentError, StorageError
from app.core.paths import AppPaths
from app.core.settings import Settings
from app.core.worker import Job, JobContext, Worker

DEFAULT_LIBRARY = "default"
EMBED_BATCH = 64
CANDIDATES = 40  # passages taken from each ranking before fusion
PSEUDO_PAGE = 3000  # characters: how far apart two passages of a page-less file must be
FOLLOWING_CHARS = 600  # of the page after a passage, for its quotes to carry on into
_HASH_BLOCK = 1 << 20


def content_hash(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as file:
        while block := file.read(_HASH_BLOCK):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def check_library_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 100 or any(ord(c) < 32 for c in name):
        raise DocumentError(f"Invalid library name {name!r}: use 1 to 100 visible characters.")
    return name


def library_names(catalog: Catalog) -> list[str]:
    names = [library.name for library in catalog.libraries()]
    return names if DEFAULT_LIBRARY in names else [DEFAULT_LIBRARY, *names]


def files_of(catalog: Catalog, library: str) -> list[IndexedFile]:
    found = catalog.library(check_library_name(library))
    return catalog.files(found.id) if found else []


# Weights in the fusion of rankings, measured on real manuals (bench/realdocs.py).
TRANSLATION_WEIGHT = 0.75
STRENGTH_FLOOR = 0.5
UNTRAINED_LANGUAGE_WEIGHT = 0.05  # measured on real manuals: 0.25 already lost pages
LANGUAGE_SAMPLE = 300  # passages looked at to tell which languages a library is in


def library_languages(catalog: Catalog, library: str) -> frozenset[Language]:
    """The languages a fair share of the library's passages are written in."""
    found = catalog.library(check_library_name(library))
    if found is None:
        return frozenset()
    return languages_in(catalog.sample_texts(found.id, LANGUAGE_SAMPLE))


def reads_language(embedder: Embedder, language: Language) -> bool:
    """Whether the embedding model was trained on `language` (unknown models: assume so)."""
    manifest = embedder.manifest
    return manifest is None or not manifest.languages or language in manifest.languages


def _in_language(
    ids: Sequence[int], language: Language | None, stored: dict[int, StoredChunk]
) -> list[int]:
    """`ids` whose passage is in `language` or has no clear language (all when None)."""
    if language is None:
        return list(ids)
    return [i for i in ids if i in stored and clear_language_of(stored[i].text) in (language, None)]


class _Rate:
    """Pages read per second since the job started."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.pages = 0

    @property
    def per_second(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.pages / elapsed if elapsed > 0 else 0.0


class DocumentService:
    def __init__(
        self,
        worker: Worker,
        paths: AppPaths,
        settings: Callable[[], Settings],
        limits: ExtractionLimits | None = None,
    ) -> None:
        self._worker = worker
        self._settings = settings
        self.limits = limits or ExtractionLimits()
        folder = paths.data / "documents"
        self.catalog = Catalog(folder / "catalog.sqlite3")
        self.vectors = VectorIndex(folder / "vectors")
        self._embedders: dict[str, Embedder] = {}
        self._embedders_lock = threading.Lock()

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

        `also` holds other phrasings of the query, such as its translation into
        the library's other language: each is searched too, and all rankings are
        fused, so an English question finds a Spanish passage by its Spanish words.
        `mode` "keyword" or "vector" uses one index alone (for measuring).
        """
        if not query.strip():
            raise DocumentError("Type a question or some words to search for.")
        if mode not in ("hybrid", "keyword", "vector"):
            raise ValueError(f"unknown search mode {mode!r}")
        found = self.catalog.library(check_library_name(library))
        if found is None:
            return []
        queries = [query.strip()]
        queries += [q for q in dict.fromkeys(a.strip() for a in also) if q and q not in queries]
        phrasings = [content_terms(q) for q in queries]
        # (phrasing number, ranking, language its hits must be in)
        keyword_rankings: list[tuple[int, list[int], Language | None]] = []
        if mode != "vector":
            # With a translation, each phrasing's words look for passages in its own
            # language: English words that happen to occur in a Spanish passage (a
            # command, a name) are better found by the Spanish phrasing.
            translated = len(queries) > 1
            keyword_rankings = [
                (
                    number,
                    self.catalog.keyword_search(found.id, keyword_query(terms), CANDIDATES),
                    language_of(text) if translated else None,
                )
                for number, (text, terms) in enumerate(zip(queries, phrasings, strict=True))
                if terms
            ]
        vector_hits: list[tuple[int, float]] = []
        vector_weight = 1.0
        if mode != "keyword":
            # Only the question itself is embedded: on real manuals the vector of a
            # translation by the small starter model added more noise than pages found.
            embedder = self.embedder(found.embedding_model)
            vector_hits = self.vectors.query(found.id, embedder.encode([query])[0], CANDIDATES)
            if mode == "hybrid" and not reads_language(embedder, language_of(query)):
                # A model that was not trained on the question's language (MiniLM and
                # Spanish) ranks by accident; its similarities still feed the relevance bar.
                vector_weight = UNTRAINED_LANGUAGE_WEIGHT
        stored = self.catalog.chunks(
            list({i for _, ids, _ in keyword_rankings for i in ids} | {i for i, _ in vector_hits})
        )
        hybrid = mode == "hybrid"
        weighted = [(terms, self._term_weights(terms)) for terms in phrasings] if hybrid else []
        lanes = [(n, _in_language(ids, lane, stored)) for n, ids, lane in keyword_rankings]
        strength: list[dict[int, float]] = []
        if hybrid and len(queries) > 1:
            # Across languages, a rank says little: the best Spanish match for "use" may
            # be one common word. Each hit counts for the share of its phrasing's words
            # (IDF-weighted) it holds.
            for n, ids in lanes:
                terms, weights = weighted[n]
                strength.append(
                    {i: STRENGTH_FLOOR + coverage(terms, stored[i].text, weights) for i in ids}
                )
        candidates = fuse_rankings(
            [(ids, 1.0 if n == 0 else TRANSLATION_WEIGHT) for n, ids in lanes],
            [(vector_hits, vector_weight)] if vector_hits else [],
            strength,
        )
        chosen: list[tuple[Candidate, StoredChunk, float]] = []
        places: set[tuple[str, int]] = set()
        for candidate in candidates:
            chunk = stored.get(candidate.chunk_id)
            if chunk is None:  # its file is being rewritten or was removed
                continue
            place = (
                chunk.path,
                chunk.page if chunk.page is not None else -(chunk.start // PSEUDO_PAGE),
            )
            if place in places:  # one passage per page: five sources, five places
                continue
            places.add(place)
            # Measured on real manuals: discounting a translation's words here (x0.75)
            # turned 2 of 14 answerable cross-language questions into "nothing found"
            # to reject 1 of 6 unanswerable ones; counted in full, none is lost.
            best_coverage = max(
                (coverage(terms, chunk.text, weights) for terms, weights in weighted), default=0.0
            )
            chosen.append((candidate, chunk, best_coverage))
            if len(chosen) == k:
                break
        if hybrid:
            # The single-index modes rank without the relevance bar, to measure ranking alone.
            if not any(is_relevant(c.similarity, cov) for c, _, cov in chosen):
                return []
            chosen = [item for item in chosen if worth_citing(item[0].similarity, item[2])]
        return [
            Source(
                n=n,
                path=chunk.path,
                page=chunk.page,
                text=chunk.text,
                score=candidate.score,
                start=chunk.start,
                end=chunk.end,
                kind=chunk.kind,
                following=self.catalog.following_text(chunk, FOLLOWING_CHARS),
            )
            for n, (candidate, chunk, _) in enumerate(chosen, start=1)
        ]

    def _term_weights(self, terms: Sequence[str]) -> list[float]:
        """IDF of each term: rare words weigh more as evidence."""
        passages = self.catalog.passage_count()
        return [idf(self.catalog.document_frequency(term_query(term)), passages) for term in terms]

    def warm_up(self, library: str = DEFAULT_LIBRARY) -> Job[bool]:
        """Load the library's embedding model in the background, so the first question
        does not wait for torch. Does nothing (False) for a library with no documents."""
        name = check_library_name(library)

        def run(ctx: JobContext) -> bool:
            found = self.catalog.library(name)
            if found is None or not self.catalog.passage_count_of(found.id):
                return False
            self.embedder(found.embedding_model).encode(["warm up"])
            return True

        return self._worker.submit("load the embedding model", run)

    def read_document(self, path: str | Path, cancel: CancelToken | None = None) -> Extracted:
        """A document's text as indexed, read in the sandbox (for the source viewer)."""
        return extract_isolated(Path(path), self.limits, cancel)

    def embedder(self, name: str | None) -> Embedder:
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
        return self._worker.submit(
            "add documents", lambda ctx: self._ingest(ctx, name, list(paths), force=False)
        )

    def reindex(self, library: str = DEFAULT_LIBRARY) -> Job[IngestReport]:
        """Read every file of the library again, and forget those that are gone.

        A library indexed with another embedding model than the one in Settings
        moves to it first (`_switch_embedder`), so that it answers searches at
        every moment; reading the files again then also cuts the passages to
        what the new model reads. Cancelling during the move leaves the library
        on its old model, untouched; cancelling later leaves it on the new one,
        with the files not yet read again still in their old passages.
        """
        name = check_library_name(library)

        def run(ctx: JobContext) -> IngestReport:
            found = self.catalog.library(name)
            wanted = embedder_name(self._settings().embedding_model)
            if found is not None and found.embedding_model != wanted:
                cancelled = self._switch_embedder(ctx, found, wanted)
                if cancelled is not None:
                    return cancelled
            paths = [f.path for f in self.catalog.files(found.id)] if found else []
            return self._ingest(ctx, name, paths, force=True)

        return self._worker.submit("re-index documents", run)

    def _switch_embedder(
        self, ctx: JobContext, library: Library, wanted: str
    ) -> IngestReport | None:
        """Re-embed every stored passage with `wanted`, then swap the vectors.

        Returns None once the library uses `wanted`, or the report of a cancelled
        switch, which changed nothing. The new vectors are made in memory (1.5 kB
        per passage at 384 dimensions: 150 MB for 100,000 passages) while searches
        go on with the old ones. Then the old vectors are dropped, the library's
        model is changed, and the new vectors are written: a search in those few
        seconds finds passages by their words and by the new vectors written so
        far. A kill then is repaired by the next write job, which restores
        missing vectors with the library's recorded model (`_repair`), old or new.

        The old model is never needed (it may have been removed): the passages'
        text is in the catalog, and the old vectors are dropped whole. Files a
        killed write left unfinished are not indexed, so not re-embedded here;
        reading the files again clears them.
        """
        import numpy as np

        started = time.monotonic()
        embedder = self.embedder(wanted)
        records = {r.id: r for r in self.catalog.records(library.id) if r.state == "indexed"}
        pages_of = {f.path: f.pages for f in self.catalog.files(library.id)}
        ids = sorted(self.catalog.chunk_ids(library.id))
        if not ids:
            self.catalog.set_embedding_model(library.id, wanted)
            return None
        vectors = np.zeros((len(ids), embedder.dimension), dtype=np.float32)
        owners = np.zeros(len(ids), dtype=np.int64)  # the file of each passage
        order: list[int] = []  # file ids, as their passages come (a file's are consecutive)
        embedded = dict.fromkeys(records, 0)
        rate = _Rate()

        def progress(file_id: int, stage: str, outcome: FileOutcome | None = None) -> None:
            record = records[file_id]
            ctx.update(
                IngestProgress(
                    record.path,
                    order.index(file_id),
                    len(records),
                    rate.pages,
                    rate.per_second,
                    stage,
                    outcome,
                    embedded[file_id],
                    record.chunks,
                )
            )

        for offset in range(0, len(ids), EMBED_BATCH):
            if ctx.cancel.cancelled:
                reason = f"Cancelled: the library still uses {library.embedding_model}."
                return IngestReport(
                    library.name,
                    tuple(
                        FileOutcome(r.path, FileStatus.CANCELLED, reason) for r in records.values()
                    ),
                    0,
                    0,
                    time.monotonic() - started,
                )
            batch = ids[offset : offset + EMBED_BATCH]
            rows = self.catalog.chunk_texts(batch)
            if [row[0] for row in rows] != batch:
                raise StorageError("The document index changed while it was being re-indexed.")
            vectors[offset : offset + len(rows)] = embedder.encode_passages([r[2] for r in rows])
            for index, (_, file_id, _) in enumerate(rows, start=offset):
                owners[index] = file_id
                if file_id not in order:
                    order.append(file_id)
                embedded[file_id] += 1
                record = records[file_id]
                if embedded[file_id] == record.chunks:
                    pages = pages_of.get(record.path, 0)
                    rate.pages += pages
                    outcome = FileOutcome(record.path, FileStatus.INDEXED, "", pages, record.chunks)
                    progress(file_id, "done", outcome)
            if embedded[order[-1]] < records[order[-1]].chunks:
                progress(order[-1], "embedding")
        self.vectors.drop(library.id)
        self.catalog.set_embedding_model(library.id, wanted)
        for file_id in order:
            mine = np.flatnonzero(owners == file_id)
            self.vectors.add(library.id, file_id, [ids[i] for i in mine], vectors[mine])
        return None

    def remove(
        self, paths: Sequence[str | Path], library: str = DEFAULT_LIBRARY
    ) -> Job[list[FileOutcome]]:
        """Forget files (or every file under a folder): their text leaves both indexes."""
        name = check_library_name(library)

        def run(ctx: JobContext) -> list[FileOutcome]:
            found = self.catalog.library(name)
            if found is None:
                return [
                    FileOutcome(str(p), FileStatus.FAILED, "Not in this library.") for p in paths
                ]
            self._repair(ctx, found)
            outcomes: list[FileOutcome] = []
            for path in paths:
                given = Path(path).expanduser()
                records: list[FileRecord] = []
                for key in dict.fromkeys((str(given.resolve()), str(given.absolute()))):
                    records.extend(
                        r for r in self.catalog.files_under(found.id, key) if r not in records
                    )
                if not records:
                    outcomes.append(
                        FileOutcome(str(path), FileStatus.FAILED, "Not in this library.")
                    )
                for record in records:
                    self._forget(found, record)
                    outcomes.append(FileOutcome(record.path, FileStatus.REMOVED))
            if any(o.status is FileStatus.REMOVED for o in outcomes):
                self.catalog.scrub()
            return outcomes

        return self._worker.submit("remove documents", run)

    def delete_library(self, library: str) -> Job[list[FileOutcome]]:
        """Forget a library and every document in it, text and vectors."""
        name = check_library_name(library)

        def run(ctx: JobContext) -> list[FileOutcome]:
            found = self.catalog.library(name)
            if found is None:
                raise DocumentError(f"There is no library called {name!r}.")
            records = self.catalog.records(found.id)
            for record in records:  # invisible at once; a kill from here on is repaired later
                self.catalog.mark_writing(record.id)
            self.vectors.drop(found.id)
            self.catalog.delete_library(found.id)
            self.catalog.scrub()
            return [FileOutcome(r.path, FileStatus.REMOVED) for r in records]

        return self._worker.submit("delete a library", run)

    def close(self) -> None:
        self.vectors.close()
        self.catalog.close()

    # The ingest job

    def _ingest(
        self, ctx: JobContext, name: str, paths: Sequence[str | Path], *, force: bool
    ) -> IngestReport:
        settings = self._settings()
        # A new library takes the model in Settings; an existing one keeps its own until
        # `reindex` moves it (its vectors mean nothing to another model).
        library = self.catalog.library(name, embedder_name(settings.embedding_model))
        assert library is not None
        embedder = self.embedder(library.embedding_model)
        self._repair(ctx, library)

        found = scan(paths)
        vanished = self._forget_vanished(library, paths, set(map(str, found.files)))
        gone = {o.path for o in vanished}
        outcomes: list[FileOutcome] = [
            o for o in found.skipped if str(Path(o.path).expanduser().absolute()) not in gone
        ]
        for outcome in outcomes:
            self._remember_skipped(library, outcome)
        outcomes.extend(vanished)
        rate = _Rate()
        chunks_total = 0
        total = len(found.files)
        with IsolatedExtractor(self.limits) as extractor:
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
            self.catalog.scrub()
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
        record = self.catalog.file(library.id, key)
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
        file_id, ids = self.catalog.begin_file(
            library.id, key, kind=kind, content_hash=digest, size=size, chunks=chunks
        )
        self.vectors.delete_file(library.id, file_id)
        self.vectors.add(library.id, file_id, ids, np.concatenate(vectors))
        self.catalog.finish_file(file_id, pages=pages, chunks=len(chunks))
        return FileOutcome(key, FileStatus.INDEXED, "", pages, len(chunks))

    def _remember_skipped(self, library: Library, outcome: FileOutcome) -> None:
        """Keep a file the scan left out (an image, a binary) in the listing, with why."""
        path = Path(outcome.path).resolve()
        if outcome.status is not FileStatus.SKIPPED or not path.is_file():
            return
        key = str(path)
        record = self.catalog.file(library.id, key)
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
            self._forget(library, record)
        self.catalog.record_unread(
            library.id,
            path,
            kind=kind,
            content_hash=digest,
            size=size,
            state=status.value,
            reason=reason,
        )

    def _forget(self, library: Library, record: FileRecord) -> None:
        self.catalog.mark_writing(record.id)
        self.vectors.delete_file(library.id, record.id)
        self.catalog.delete_file(record.id)

    def _forget_vanished(
        self, library: Library, paths: Iterable[str | Path], present: set[str]
    ) -> list[FileOutcome]:
        """Files known under an added folder (or added by name) that no longer exist."""
        outcomes: list[FileOutcome] = []
        for path in paths:
            root = Path(path).expanduser().absolute()
            for record in self.catalog.files_under(library.id, str(root)):
                if record.path not in present and not Path(record.path).exists():
                    self._forget(library, record)
                    outcomes.append(
                        FileOutcome(record.path, FileStatus.REMOVED, "The file no longer exists.")
                    )
        return outcomes

    def _repair(self, ctx: JobContext, library: Library) -> None:
        """Finish what a killed write left: drop half-written files, restore missing vectors,
        delete vectors whose passage is gone."""
        for record in self.catalog.unfinished(library.id):
            self._forget(library, record)
        expected = self.catalog.chunk_ids(library.id)
        try:
            count = self.vectors.count(library.id)
        except StorageError as exc:
            kept = self.vectors.set_aside()
            ctx.notice(
                f"The vector index could not be opened ({exc}); it was moved to {kept.name} "
                "and is being rebuilt from the stored passages."
            )
            count = self.vectors.count(library.id)
        if count == len(expected):
            return
        present = self.vectors.ids(library.id)
        orphans = sorted(present - expected)
        if orphans:
            self.vectors.delete_ids(library.id, orphans)
        missing = sorted(expected - present)
        if missing:
            ctx.notice(f"Restoring {len(missing)} missing passages in the vector index…")
            embedder = self.embedder(library.embedding_model)
            rows = self.catalog.chunk_texts(missing)
            by_file: dict[int, list[tuple[int, str]]] = {}
            for chunk_id, file_id, text in rows:
                by_file.setdefault(file_id, []).append((chunk_id, text))
            for file_id, items in by_file.items():
                texts = [text for _, text in items]  # as _embedding_texts
                vectors = embedder.encode_passages(texts)
                self.vectors.add(library.id, file_id, [i for i, _ in items], vectors)


def _embedding_texts(chunks: Sequence[Chunk]) -> list[str]:
    return [chunk.text for chunk in chunks]
