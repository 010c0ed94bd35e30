"""Moving a library to another embedding model, while it goes on answering searches.

`DocumentService.reindex` does this first when Settings name another model
than the library's (`needs_switch`); reading the files again (`ingest.py`)
follows. `uses_other_embedder` says beforehand whether there is anything to
move, so that a front end offers re-indexing only then.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from app.core.documents.document_index import Catalog, Library
from app.core.documents.embedder import Embedder, embedder_name
from app.core.documents.ingest import EMBED_BATCH, PageRate
from app.core.documents.records import FileOutcome, FileStatus, IngestProgress, IngestReport
from app.core.documents.vectors import VectorIndex
from app.core.errors import StorageError
from app.core.worker import JobContext


def needs_switch(library: Library, embedding_model: str | None) -> bool:
    """Whether `library` was indexed with another model than the `embedding_model` setting
    names (None: the built-in one), compared as recorded (`embedder_name`)."""
    return library.embedding_model != embedder_name(embedding_model)


def uses_other_embedder(catalog: Catalog, library: str, embedding_model: str | None) -> bool:
    """Whether re-indexing `library` would move it to `embedding_model` (a setting's
    value): it exists, and was indexed with another model. A library not yet created
    takes the model in the settings with its first files."""
    found = catalog.library(library)
    return found is not None and needs_switch(found, embedding_model)


def switch_embedder(
    ctx: JobContext,
    catalog: Catalog,
    vectors: VectorIndex,
    embedder: Callable[[str | None], Embedder],
    library: Library,
    wanted: str,
) -> IngestReport | None:
    """Re-embed every stored passage with `wanted`, then swap the vectors.

    Returns None once the library uses `wanted`, or the report of a cancelled
    switch, which changed nothing. The new vectors are made in memory (1.5 kB
    per passage at 384 dimensions: 150 MB for 100,000 passages) while searches
    go on with the old ones. Then the old vectors are dropped, the library's
    model is changed, and the new vectors are written: a search in those few
    seconds finds passages by their words and by the new vectors written so
    far. A kill then is repaired by the next write job, which restores
    missing vectors with the library's recorded model (`libraries.repair`), old or new.

    The old model is never needed (it may have been removed): the passages'
    text is in the catalog, and the old vectors are dropped whole. Files a
    killed write left unfinished are not indexed, so not re-embedded here;
    reading the files again clears them.
    """
    import numpy as np

    started = time.monotonic()
    model = embedder(wanted)
    records = {r.id: r for r in catalog.records(library.id) if r.state == "indexed"}
    pages_of = {f.path: f.pages for f in catalog.files(library.id)}
    ids = sorted(catalog.chunk_ids(library.id))
    if not ids:
        catalog.set_embedding_model(library.id, wanted)
        return None
    new_vectors = np.zeros((len(ids), model.dimension), dtype=np.float32)
    owners = np.zeros(len(ids), dtype=np.int64)  # the file of each passage
    order: list[int] = []  # file ids, as their passages come (a file's are consecutive)
    embedded = dict.fromkeys(records, 0)
    rate = PageRate()

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
                tuple(FileOutcome(r.path, FileStatus.CANCELLED, reason) for r in records.values()),
                0,
                0,
                time.monotonic() - started,
            )
        batch = ids[offset : offset + EMBED_BATCH]
        rows = catalog.chunk_texts(batch)
        if [row[0] for row in rows] != batch:
            raise StorageError("The document index changed while it was being re-indexed.")
        new_vectors[offset : offset + len(rows)] = model.encode_passages([r[2] for r in rows])
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
    vectors.drop(library.id)
    catalog.set_embedding_model(library.id, wanted)
    for file_id in order:
        mine = np.flatnonzero(owners == file_id)
        vectors.add(library.id, file_id, [ids[i] for i in mine], new_vectors[mine])
    return None
