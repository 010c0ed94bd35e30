"""Chroma, embedded and persistent under the data folder: the vector index's store.

Only this module imports chromadb, and only in the vector index's own process
(see `vectors.py`), which never holds a word of the user's text: Chroma's graph
files are written from buffers it does not clear, so whatever else a process had
in its heap can end up on disk, unencrypted. Chroma never embeds anything
itself (its default embedding function would download a model): every
collection is created with no embedding function and is given our vectors. It
stores no document text either, only vectors and the id of the file each
belongs to; the text lives in the encrypted catalog. One collection per
library, with cosine distance.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import sqlite3
import sys
import threading
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.errors import StorageError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

_BATCH = 2000  # Chroma refuses batches above its max_batch_size (~5000)
_COMPACTING = ".compacting"  # suffix of the collection `compact` copies a library into


def collection_name(library_id: int) -> str:
    return f"library-{library_id}"


class ChromaStore:
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
                    _forget_system(self.folder)  # else every later try gets the broken one
                    raise StorageError(f"The vector index cannot be opened: {exc}") from exc
            return self._client

    def _release(self) -> None:
        """Let go of Chroma's client and the files it holds open: Chroma keeps one
        client per folder for the whole process, which would otherwise go on using a
        folder that `set_aside` moved (and that is later deleted)."""
        client, self._client = self._client, None
        self._collections.clear()
        if client is not None:
            with contextlib.suppress(Exception):  # closing is best effort; it is forgotten next
                client.close()
        _forget_system(self.folder)

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
        """Delete the library's collection and its vectors; StorageError if Chroma could
        not (one that is already gone is fine)."""
        with self._lock:
            self._collections.pop(library_id, None)
            client = self._open()
            from chromadb.errors import NotFoundError

            try:
                client.delete_collection(collection_name(library_id))
            except NotFoundError:
                return
            except Exception as exc:  # chromadb raises its own, undocumented types
                raise StorageError(
                    f"The vectors of the library could not be deleted from the vector index "
                    f"({exc}); its documents were not removed. Try again."
                ) from exc

    def compact(self, library_id: int) -> None:
        """Really delete the vectors deleted from the library: Chroma only marks them
        deleted, and keeps them in its write log and graph files. Its live vectors are
        copied to a new collection, which replaces the old one; `scrub` then deletes
        what the old one left on disk. A kill midway leaves the library's vectors
        missing, which `libraries.repair` restores from the stored passages."""
        with self._lock:
            client = self._open()
            name = collection_name(library_id)
            temporary = f"{name}{_COMPACTING}"
            try:
                _drop_if_present(client, temporary)
                old = self._collection(library_id)
                new = client.create_collection(
                    temporary, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
                )
                offset = 0
                while True:
                    batch = old.get(
                        include=["embeddings", "metadatas"], limit=_BATCH, offset=offset
                    )
                    if batch["ids"]:
                        new.upsert(
                            ids=batch["ids"],
                            embeddings=batch["embeddings"],
                            metadatas=batch["metadatas"],
                        )
                    if len(batch["ids"]) < _BATCH:
                        break
                    offset += len(batch["ids"])
                self._collections.pop(library_id, None)
                client.delete_collection(name)
                new.modify(name=name)
            except Exception as exc:  # chromadb raises its own, undocumented types
                raise StorageError(
                    f"The removed documents' vectors could not be wiped from the vector index "
                    f"({exc}). They are no longer used; the next removal from this library "
                    "wipes them."
                ) from exc
            self.scrub()

    def scrub(self) -> None:
        """Make deleted vectors unrecoverable from the files on disk: Chroma leaves a
        dropped collection's graph folder behind, and its SQLite file keeps deleted
        rows in free pages. Chroma's client is let go of first (no file is held open)."""
        with self._lock:
            client = self._open()
            try:
                for collection in client.list_collections():
                    if collection.name.endswith(_COMPACTING):  # left by a killed `compact`
                        client.delete_collection(collection.name)
            except Exception as exc:  # chromadb raises its own, undocumented types
                raise StorageError(f"The vector index cannot be cleaned up: {exc}") from exc
            self._release()
            database = self.folder / "chroma.sqlite3"
            try:
                with contextlib.closing(sqlite3.connect(database)) as db:
                    kept = {str(row[0]) for row in db.execute("SELECT id FROM segments")}
                    for folder in self.folder.iterdir():
                        if folder.is_dir() and _is_uuid(folder.name) and folder.name not in kept:
                            shutil.rmtree(folder)
                    db.execute("VACUUM")
            except (sqlite3.Error, OSError) as exc:
                raise StorageError(
                    f"Deleted vectors could not be wiped from {self.folder}: {exc}"
                ) from exc

    def set_aside(self) -> Path:
        """Move an index that cannot be opened out of the way; it will be rebuilt."""
        with self._lock:
            self._release()
            kept = self.folder.with_name(
                f"{self.folder.name}.broken-{time.strftime('%Y%m%d-%H%M%S')}"
            )
            os.replace(self.folder, kept)
            return kept

    def close(self) -> None:
        with self._lock:
            self._release()


def set_aside_copies(folder: Path) -> list[Path]:
    """The copies `ChromaStore.set_aside` moved out of the way, oldest first."""
    return sorted(folder.parent.glob(f"{glob.escape(folder.name)}.broken-*"))


def delete_set_aside(folder: Path) -> None:
    """Delete the set-aside copies once the index is rebuilt: they hold the vectors
    of documents that may since have been removed. StorageError names what is left."""
    left: list[str] = []
    for kept in set_aside_copies(folder):
        try:
            shutil.rmtree(kept)
        except OSError as exc:
            left.append(f"{kept} ({exc.strerror or exc})")
    if left:
        raise StorageError(
            "An old copy of the vector index could not be deleted; delete it yourself: "
            + "; ".join(left)
        )


def _drop_if_present(client: Any, name: str) -> None:
    from chromadb.errors import NotFoundError

    with contextlib.suppress(NotFoundError):
        client.delete_collection(name)


def _is_uuid(name: str) -> bool:
    try:
        uuid.UUID(name)
    except ValueError:
        return False
    return True


def _forget_system(folder: Path) -> None:
    """Drop Chroma's cached client for `folder` (its cache has no public way to do it)."""
    if "chromadb" not in sys.modules:
        return
    from chromadb.api.shared_system_client import SharedSystemClient

    identifier = str(folder)
    SharedSystemClient._identifier_to_refcount.pop(identifier, None)
    system = SharedSystemClient._identifier_to_system.pop(identifier, None)
    if system is not None:
        with contextlib.suppress(Exception):
            system.stop()
