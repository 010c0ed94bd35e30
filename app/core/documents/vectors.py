"""The vector index, kept by a process of its own that never sees the user's text.

Chroma's graph files are written from memory it allocates and does not clear
(the length table and the unused slots of the graph are whatever the heap held
before), so a process that has read a document or decrypted the catalog can
write pieces of them into `vectors/`, which is not encrypted. The process that
runs Chroma is therefore one that only ever receives numbers: chunk ids, file
ids, library ids and vectors. `VectorIndex` offers the store's methods and
forwards each call over a pipe to that child (started on first use, again after
it died); `ChromaStore` does the work there.

The child is trusted code (ours) and holds no secret; it runs without network
access where the kernel allows, like the reading children.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.documents.chroma_store import ChromaStore, delete_set_aside, set_aside_copies
from app.core.errors import StorageError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

# What the parent may ask the child to do: the store's methods that hold no text.
FORWARDED = frozenset(
    {"add", "delete_file", "delete_ids", "ids", "count", "query", "drop", "compact", "scrub",
     "set_aside"}
)  # fmt: skip
CLOSE_SECONDS = 30.0  # for Chroma to write its files when the index closes


class VectorIndex:
    """Chroma's store in the vector child; every method may raise StorageError."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.RLock()  # one request on the pipe at a time
        self._conn: Connection | None = None
        self._process: Any = None

    @property
    def pid(self) -> int | None:
        """The child's process id while it runs."""
        process = self._process
        return process.pid if process is not None and process.is_alive() else None

    def start(self) -> None:
        """Start the child now, without waiting for it (Chroma loads there meanwhile)."""
        with self._lock:
            self._running()

    def add(
        self,
        library_id: int,
        file_id: int,
        chunk_ids: Sequence[int],
        vectors: npt.NDArray[np.float32],
    ) -> None:
        self._ask("add", library_id, file_id, list(chunk_ids), vectors)

    def delete_file(self, library_id: int, file_id: int) -> None:
        self._ask("delete_file", library_id, file_id)

    def delete_ids(self, library_id: int, chunk_ids: Sequence[int]) -> None:
        self._ask("delete_ids", library_id, list(chunk_ids))

    def ids(self, library_id: int) -> set[int]:
        found: set[int] = self._ask("ids", library_id)
        return found

    def count(self, library_id: int) -> int:
        return int(self._ask("count", library_id))

    def query(
        self, library_id: int, vector: npt.NDArray[np.float32], limit: int
    ) -> list[tuple[int, float]]:
        """(chunk id, cosine similarity), most similar first."""
        found: list[tuple[int, float]] = self._ask("query", library_id, vector, limit)
        return found

    def drop(self, library_id: int) -> None:
        """Delete the library's collection and its vectors (see `ChromaStore.drop`)."""
        self._ask("drop", library_id)

    def compact(self, library_id: int) -> None:
        """Really delete the library's deleted vectors (see `ChromaStore.compact`)."""
        self._ask("compact", library_id)

    def scrub(self) -> None:
        """Make deleted vectors unrecoverable from the files (see `ChromaStore.scrub`)."""
        self._ask("scrub")

    def set_aside(self) -> Path:
        """Move an index that cannot be opened out of the way; it will be rebuilt."""
        kept: Path = self._ask("set_aside")
        return kept

    def set_aside_copies(self) -> list[Path]:
        """The copies `set_aside` moved out of the way, oldest first."""
        return set_aside_copies(self.folder)

    def delete_set_aside(self) -> None:
        """Delete the set-aside copies once the index is rebuilt (see `delete_set_aside`)."""
        delete_set_aside(self.folder)

    def close(self) -> None:
        """Let Chroma close its files and the child exit; a later call starts a new one."""
        with self._lock:
            conn, process = self._conn, self._process
            self._conn = self._process = None
            if conn is None or process is None:
                return
            try:
                conn.send(None)
                if conn.poll(CLOSE_SECONDS):
                    conn.recv()
            except (EOFError, OSError):
                pass  # it had stopped already
            finally:
                conn.close()
                _stop(process)

    # The parent's side of the pipe

    def _ask(self, method: str, *args: Any) -> Any:
        with self._lock:
            conn = self._running()
            try:
                conn.send((method, args))
                kind, value = conn.recv()
            except (EOFError, OSError) as error:
                self._lost()
                raise StorageError("The vector index stopped unexpectedly; try again.") from error
        if kind == "error":
            raise StorageError(str(value))
        return value

    def _running(self) -> Connection:
        if self._conn is not None and self._process is not None and self._process.is_alive():
            return self._conn
        self._lost()
        import multiprocessing  # here: only a process that uses the index starts the child

        context = multiprocessing.get_context("spawn")
        conn, child_end = context.Pipe(duplex=True)
        # A daemon: it ends with its parent. It also ends when its pipe closes (the
        # parent was killed), and at a normal close `close` lets Chroma finish first.
        process = context.Process(
            target=serve, args=(child_end, str(self.folder)), name="confidente-vectors", daemon=True
        )
        try:
            process.start()
        except OSError as error:
            conn.close()
            child_end.close()
            raise StorageError(f"The vector index could not start: {error}") from error
        child_end.close()  # only the child holds its end now: its death reads as EOF here
        self._conn, self._process = conn, process
        # An index dropped without `close` closes its pipe when collected (Connection
        # does): the child reads EOF, lets Chroma close its files and exits.
        return conn

    def _lost(self) -> None:
        """Forget a child that died (its next request starts a new one)."""
        conn, process = self._conn, self._process
        self._conn = self._process = None
        if conn is not None:
            conn.close()
        if process is not None:
            _stop(process)


def _stop(process: Any) -> None:
    process.join(CLOSE_SECONDS)
    if process.is_alive():
        process.kill()
        process.join(5)
    if not process.is_alive():
        process.close()


def serve(conn: Connection, folder: str) -> None:
    """The child's whole life: answer each request with the store until told to stop."""
    from app.core import privacy

    privacy.enter_child(without_network=True)  # first: Chroma reaches nothing
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C in a terminal is the parent's
    store = ChromaStore(Path(folder))
    try:
        while True:
            try:
                request = conn.recv()
            except (EOFError, OSError):
                return  # the parent is gone
            if request is None:
                store.close()
                conn.send(("ok", None))
                return
            method, args = request
            conn.send(_run(store, method, args))
    finally:
        store.close()


def _run(store: ChromaStore, method: str, args: tuple[Any, ...]) -> tuple[str, Any]:
    if method not in FORWARDED:
        return "error", f"The vector index has no operation {method!r}."
    try:
        return "ok", getattr(store, method)(*args)
    except StorageError as error:
        return "error", str(error)
    except Exception as error:  # chromadb raises its own, undocumented types
        return "error", f"The vector index failed: {type(error).__name__}: {error}"
