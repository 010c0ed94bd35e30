"""The vector index: Chroma, embedded and persistent under the data folder.

Only this module imports chromadb, and only when the index is first used.
Chroma never embeds anything itself (its default embedding function would
download a model): every collection is created with no embedding function
and is given our vectors. It stores no document text either, only vectors
and the id of the file each belongs to; the text lives in the catalog, so
removing a file from the catalog and its ids from here removes it entirely.
One collection per library, with cosine distance.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.errors import StorageError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

_BATCH = 2000  # Chroma refuses batches above its max_batch_size (~5000)


def collection_name(library_id: int) -> str:
    return f"library-{library_id}"


class VectorIndex:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._client: Any = None
        self._collections: dict[int, Any] = {}
        self._lock = threading.RLock()

    def _open(self) -> Any:
        with self._lock:
            if self._client is None:
                self.folder.mkdir(parents=True, exist_ok=True)
                # Belt and braces: app/__init__ already set this before anything imported chromadb.
                os.environ["ANONYMIZED_TELEMETRY"] = "False"
                import chromadb
                from chromadb.config import Settings as ChromaSettings

                try:
                    self._client = chromadb.PersistentClient(
                        path=str(self.folder),
                        settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False),
                    )
                except Exception as exc:
                    raise StorageError(f"The vector index cannot be opened: {exc}") from exc
            return self._client

    def _collection(self, library_id: int) -> Any:
        with self._lock:
            collection = self._collections.get(library_id)
            if collection is None:
                client = self._open()
                try:
                    collection = client.get_or_create_collection(
                        collection_name(library_id),
                        embedding_function=None,
                        configuration={"hnsw": {"space": "cosine"}},
                    )
                except Exception as exc:  # chromadb raises its own, undocumented types
                    raise StorageError(f"The vector index cannot be read: {exc}") from exc
                self._collections[library_id] = collection
            return collection

    def add(
        self,
        library_id: int,
        file_id: int,
        chunk_ids: Sequence[int],
        vectors: npt.NDArray[np.float32],
    ) -> None:
        collection = self._collection(library_id)
        for offset in range(0, len(chunk_ids), _BATCH):
            ids = chunk_ids[offset : offset + _BATCH]
            collection.upsert(
                ids=[str(i) for i in ids],
                embeddings=vectors[offset : offset + len(ids)],
                metadatas=[{"file_id": file_id}] * len(ids),
            )

    def delete_file(self, library_id: int, file_id: int) -> None:
        self._collection(library_id).delete(where={"file_id": file_id})

    def delete_ids(self, library_id: int, chunk_ids: Sequence[int]) -> None:
        collection = self._collection(library_id)
        for offset in range(0, len(chunk_ids), _BATCH):
            collection.delete(ids=[str(i) for i in chunk_ids[offset : offset + _BATCH]])

    def ids(self, library_id: int) -> set[int]:
        collection = self._collection(library_id)
        found: set[int] = set()
        offset = 0
        while True:
            batch = collection.get(include=[], limit=_BATCH, offset=offset)["ids"]
            found.update(int(i) for i in batch)
            if len(batch) < _BATCH:
                return found
            offset += len(batch)

    def count(self, library_id: int) -> int:
        return int(self._collection(library_id).count())

    def query(
        self, library_id: int, vector: npt.NDArray[np.float32], limit: int
    ) -> list[tuple[int, float]]:
        """(chunk id, cosine similarity), most similar first."""
        collection = self._collection(library_id)
        available = collection.count()
        if available == 0:
            return []
        result = collection.query(
            query_embeddings=vector.reshape(1, -1),
            n_results=min(limit, available),
            include=["distances"],
        )
        ids = result["ids"][0]
        distances = result["distances"][0]
        return [(int(i), 1.0 - float(d)) for i, d in zip(ids, distances, strict=True)]

    def drop(self, library_id: int) -> None:
        with self._lock:
            self._collections.pop(library_id, None)
            try:
                self._open().delete_collection(collection_name(library_id))
            except Exception:  # Chroma raises its own NotFoundError when it is already gone
                return

    def set_aside(self) -> Path:
        """Move an index that cannot be opened out of the way; it will be rebuilt."""
        with self._lock:
            self._client = None
            self._collections.clear()
            kept = self.folder.with_name(
                f"{self.folder.name}.broken-{time.strftime('%Y%m%d-%H%M%S')}"
            )
            os.replace(self.folder, kept)
            return kept

    def close(self) -> None:
        with self._lock:
            self._collections.clear()
            self._client = None
