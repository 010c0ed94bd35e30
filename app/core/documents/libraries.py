"""Keeping the libraries: their names, their files, removing files and whole libraries.

Also the upkeep every write job starts with (`repair`): whatever a killed
write left behind is cleared or finished here, so the index always opens and
answers (see `ingest.py` for the order writes follow).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from app.core.documents.document_index import Catalog, FileRecord, Library
from app.core.documents.embedder import Embedder
from app.core.documents.records import FileOutcome, FileStatus, IndexedFile
from app.core.documents.vectors import VectorIndex
from app.core.errors import DocumentError, StorageError
from app.core.worker import JobContext

DEFAULT_LIBRARY = "default"

# Told the paths of the files a removal took out, once they are out of the index
ForgetSources = Callable[[Sequence[str]], object]


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


def remove_files(
    ctx: JobContext,
    catalog: Catalog,
    vectors: VectorIndex,
    embedder: Callable[[str | None], Embedder],
    name: str,
    paths: Sequence[str | Path],
) -> list[FileOutcome]:
    """Forget files (or every file under a folder): their text leaves both indexes."""
    found = catalog.library(name)
    if found is None:
        return [FileOutcome(str(p), FileStatus.FAILED, "Not in this library.") for p in paths]
    repair(ctx, catalog, vectors, embedder, found)
    outcomes: list[FileOutcome] = []
    for path in paths:
        given = Path(path).expanduser()
        records: list[FileRecord] = []
        for key in dict.fromkeys((str(given.resolve()), str(given.absolute()))):
            records.extend(r for r in catalog.files_under(found.id, key) if r not in records)
        if not records:
            outcomes.append(FileOutcome(str(path), FileStatus.FAILED, "Not in this library."))
        for record in records:
            forget(catalog, vectors, found, record)
            outcomes.append(FileOutcome(record.path, FileStatus.REMOVED))
    if any(o.status is FileStatus.REMOVED for o in outcomes):
        catalog.scrub()
        _wipe(ctx, lambda: vectors.compact(found.id))
    return outcomes


def removed_paths(outcomes: Sequence[FileOutcome]) -> list[str]:
    """The files a removal took out of the index (for the answers that cited them)."""
    return [o.path for o in outcomes if o.status is FileStatus.REMOVED]


def delete_library(
    ctx: JobContext, catalog: Catalog, vectors: VectorIndex, name: str
) -> list[FileOutcome]:
    """Forget a library and every document in it, text and vectors."""
    found = catalog.library(name)
    if found is None:
        raise DocumentError(f"There is no library called {name!r}.")
    records = catalog.records(found.id)
    for record in records:  # invisible at once; a kill from here on is repaired later
        catalog.mark_writing(record.id)
    vectors.drop(found.id)
    catalog.delete_library(found.id)
    catalog.scrub()
    _wipe(ctx, vectors.scrub)
    return [FileOutcome(r.path, FileStatus.REMOVED) for r in records]


def _wipe(ctx: JobContext, wipe: Callable[[], None]) -> None:
    """Wipe removed vectors from the disk; the documents are out of the index already
    (and the answers citing them are told so), so a failure here is a notice, not
    a failed removal."""
    try:
        wipe()
    except StorageError as exc:
        ctx.notice(exc.message)


def forget(catalog: Catalog, vectors: VectorIndex, library: Library, record: FileRecord) -> None:
    """Take one file out of both indexes, hidden from searches first."""
    catalog.mark_writing(record.id)
    vectors.delete_file(library.id, record.id)
    catalog.delete_file(record.id)


def repair(
    ctx: JobContext,
    catalog: Catalog,
    vectors: VectorIndex,
    embedder: Callable[[str | None], Embedder],
    library: Library,
) -> None:
    """Finish what a killed write left: drop half-written files, restore missing vectors,
    delete vectors whose passage is gone."""
    for record in catalog.unfinished(library.id):
        forget(catalog, vectors, library, record)
    expected = catalog.chunk_ids(library.id)
    try:
        count = vectors.count(library.id)
    except StorageError as exc:
        kept = vectors.set_aside()
        ctx.notice(
            f"The vector index could not be opened ({exc}); it was moved to {kept.name} "
            "and is being rebuilt from the stored passages."
        )
        count = vectors.count(library.id)
    if count != len(expected):
        _restore(ctx, catalog, vectors, embedder, library, expected)
    if vectors.set_aside_copies():  # rebuilt: the old copies would keep removed documents
        try:
            vectors.delete_set_aside()
        except StorageError as exc:
            ctx.notice(exc.message)


def _restore(
    ctx: JobContext,
    catalog: Catalog,
    vectors: VectorIndex,
    embedder: Callable[[str | None], Embedder],
    library: Library,
    expected: set[int],
) -> None:
    """Make the library's vectors those of its passages: delete the extra, embed the missing."""
    present = vectors.ids(library.id)
    orphans = sorted(present - expected)
    if orphans:
        vectors.delete_ids(library.id, orphans)
    missing = sorted(expected - present)
    if missing:
        ctx.notice(f"Restoring {len(missing)} missing passages in the vector index…")
        model = embedder(library.embedding_model)
        rows = catalog.chunk_texts(missing)
        by_file: dict[int, list[tuple[int, str]]] = {}
        for chunk_id, file_id, text in rows:
            by_file.setdefault(file_id, []).append((chunk_id, text))
        for file_id, items in by_file.items():
            texts = [text for _, text in items]  # as ingest's _embedding_texts
            vectors.add(library.id, file_id, [i for i, _ in items], model.encode_passages(texts))
