"""The document index in a process of its own, so the window never waits on it.

Embedding and indexing hold Python's GIL for long stretches in native code:
importing torch maps libtorch with the GIL held (a few hundred ms, once),
Chroma's upsert holds it for 30-50 ms per call, and once torch's hundreds of
thousands of objects are in the process, every full garbage collection walks
them too. Any of these in the GUI's process stops the GUI thread for as long.
In a child process they stop nothing the user sees.

`DocumentsProcess` offers what `DocumentService` offers (add, reindex, remove,
delete_library, warm_up, search, files, libraries, read_document), and a
spawned child runs a real `DocumentService` on its behalf. Listings are plain
SQLite reads of the catalog and are done here; reading a document for the
source viewer happens in the sandboxed reader either way. Jobs come back as
ordinary `Job`s whose events are streamed from the child; cancelling one
cancels it there. Submitting never blocks: messages go out through a sender
thread, which also starts the child on first use (so an app that never touches
its documents never starts it). If the child dies, what it
was doing fails with a clear message, and the next request starts a new one;
the index itself survives a kill at any moment (see `ingest.py`).

This module is the parent's half (what the app calls); the child's loop is in
`process_server.py`. The child is trusted code (ours), and untrusted files are
still read in its own sandboxed reader; the pipe carries pickles between the two
halves of the app.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import multiprocessing
import os
import pickle
import queue
import threading
import traceback
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, TypeVar

from app.core.cancel import CancelToken
from app.core.data_key import DataKey, unlock
from app.core.documents.document_index import Catalog
from app.core.documents.embedder_switch import uses_other_embedder
from app.core.documents.language import Language
from app.core.documents.libraries import (
    DEFAULT_LIBRARY,
    ForgetSources,
    check_library_name,
    files_of,
    library_names,
    removed_paths,
)
from app.core.documents.limits import ExtractionLimits
from app.core.documents.process_server import CLOSE_SECONDS, serve
from app.core.documents.records import Extracted, FileOutcome, IndexedFile, IngestReport, Source
from app.core.documents.sandbox import extract_isolated
from app.core.documents.search import library_languages
from app.core.errors import ConfidenteError, DocumentError
from app.core.paths import AppPaths
from app.core.settings import Settings
from app.core.worker import Event, Failed, Finished, Job

T = TypeVar("T")

# Indexing is background work: on a laptop's few cores the window and the answer being
# written come first. (Unix niceness; Windows has no os.nice and keeps the default.)
NICENESS = 10
_STOP = object()


class IndexProcessError(DocumentError):
    """The index process stopped, or could not start."""


@dataclass
class _Call:
    """A call waiting for its one reply."""

    done: threading.Event = field(default_factory=threading.Event)
    value: Any = None
    error: BaseException | None = None

    def settle(self, value: Any = None, error: BaseException | None = None) -> None:
        self.value, self.error = value, error
        self.done.set()


class _RemoteJob(Job[T]):
    def __init__(
        self,
        name: str,
        owner: DocumentsProcess,
        call_id: int,
        on_result: Callable[[Any], None] | None = None,
    ) -> None:
        super().__init__(name)
        self._owner = owner
        self._call_id = call_id
        self._on_result = on_result

    def cancel(self) -> None:
        super().cancel()
        self._owner._send(("cancel", self._call_id, "", ()))

    def _put(self, event: Event) -> None:
        """`on_result` runs here, in this process, before the job is seen to finish."""
        if isinstance(event, Finished) and self._on_result is not None:
            try:
                self._on_result(event.result)
            except ConfidenteError as exc:
                event = Failed(exc, "")
        super()._put(event)


class DocumentsProcess:
    """`DocumentService`'s interface, served by a child process."""

    def __init__(
        self,
        paths: AppPaths,
        settings: Callable[[], Settings],
        limits: ExtractionLimits | None = None,
        forget_sources: ForgetSources | None = None,
        key: DataKey | None = None,
    ) -> None:
        self._paths = paths
        self._key = key or unlock(paths)  # handed to the child: it never asks for it
        self._forget_sources = forget_sources  # as DocumentService's, run here
        self._settings = settings
        self.limits = limits or ExtractionLimits()
        self._context = multiprocessing.get_context("spawn")
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._pending: dict[int, _Call | _RemoteJob[Any]] = {}
        self._sent: dict[int, BaseProcess] = {}  # pending ids, and the child that has them
        self._outbox: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        self._closing = False
        self._listing: Catalog | None = None  # see _catalog
        self._listing_lock = threading.Lock()
        self._receivers: list[threading.Thread] = []  # one per child started
        # Started now, not on the first request: that may come from the GUI thread, and
        # starting a thread waits for it to run, which under load can take a while.
        self._sender = threading.Thread(
            target=self._send_loop, name="confidente-index-link", daemon=True
        )
        self._sender.start()
        # Before multiprocessing's own exit handler, which would wait for the child.
        atexit.register(_close_at_exit, weakref.ref(self))

    def start(self) -> None:
        """Start the child now, in the background (never blocks).

        The GUI calls this as its window opens: the child's start-up (an interpreter,
        its imports) then overlaps the window's, and the first drop or question does
        not wait for it, nor compete with the model's first load for the cores.
        """
        self._send(("start", 0, "", ()))

    # Jobs (never block: they only queue a message)

    def add(self, paths: Sequence[str | Path], library: str = DEFAULT_LIBRARY) -> Job[IngestReport]:
        if not paths:
            raise DocumentError("Name at least one file or folder to add.")
        return self._job(
            "add documents", "add", [str(p) for p in paths], check_library_name(library)
        )

    def reindex(self, library: str = DEFAULT_LIBRARY) -> Job[IngestReport]:
        return self._job("re-index documents", "reindex", check_library_name(library))

    def remove(
        self, paths: Sequence[str | Path], library: str = DEFAULT_LIBRARY
    ) -> Job[list[FileOutcome]]:
        return self._job(
            "remove documents",
            "remove",
            [str(p) for p in paths],
            check_library_name(library),
            on_result=self._forgotten,
        )

    def delete_library(self, library: str) -> Job[list[FileOutcome]]:
        return self._job(
            "delete a library",
            "delete_library",
            check_library_name(library),
            on_result=self._forgotten,
        )

    def _forgotten(self, outcomes: list[FileOutcome]) -> None:
        removed = removed_paths(outcomes)
        if removed and self._forget_sources is not None:
            self._forget_sources(removed)

    def warm_up(self, library: str = DEFAULT_LIBRARY) -> Job[bool]:
        return self._job("load the embedding model", "warm_up", check_library_name(library))

    # Reading (any thread but the GUI's)

    def libraries(self) -> list[str]:
        return library_names(self._catalog())

    def files(self, library: str = DEFAULT_LIBRARY) -> list[IndexedFile]:
        return files_of(self._catalog(), library)

    def search(
        self,
        query: str,
        library: str = DEFAULT_LIBRARY,
        k: int = 5,
        mode: str = "hybrid",
        also: Sequence[str] = (),
    ) -> list[Source]:
        """Asked of the child, which has the embedding model (waits for its answer)."""
        result: list[Source] = self._call(
            "search", query, check_library_name(library), k, mode, tuple(also)
        )
        return result

    def languages(self, library: str = DEFAULT_LIBRARY) -> frozenset[Language]:
        """Read here: a sample of the catalog's passages, no child needed."""
        return library_languages(self._catalog(), library)

    def uses_other_embedder(self, library: str = DEFAULT_LIBRARY) -> bool:
        """Read here, like the listings: the library's recorded model against Settings'."""
        return uses_other_embedder(
            self._catalog(), check_library_name(library), self._settings().embedding_model
        )

    def read_document(self, path: str | Path, cancel: CancelToken | None = None) -> Extracted:
        """Read here, in the sandboxed reader: no index or embedding model involved."""
        return extract_isolated(Path(path), self.limits, cancel)

    def _catalog(self) -> Catalog:
        """The catalog, opened here for listings: SQLite reads need neither the child nor
        its libraries, so showing the Documents pane does not start it."""
        # Its own lock: opening the file may take a while, and the GUI thread takes
        # `_lock` to submit a job.
        with self._listing_lock:
            if self._closing:
                raise ConfidenteError("Confidente is closing.")
            if self._listing is None:
                self._listing = Catalog(
                    self._paths.data / "documents" / "catalog.sqlite3", self._key
                )
            return self._listing

    @property
    def child_pid(self) -> int | None:
        """The index process while it runs (diagnostics, and tests that kill it)."""
        process = self._process
        return process.pid if process is not None and process.is_alive() else None

    def close(self) -> None:
        """Cancel what runs, let the child close the index, and wait for it."""
        with self._lock:
            if self._closing:
                return
            self._closing = True
        self._outbox.put(_STOP)
        self._sender.join(CLOSE_SECONDS * 2 + 5)
        with self._listing_lock:
            if self._listing is not None:
                self._listing.close()
                self._listing = None

    # The parent's side of the pipe

    def _job(
        self, name: str, method: str, *args: Any, on_result: Callable[[Any], None] | None = None
    ) -> Job[Any]:
        call_id = next(self._ids)
        job: _RemoteJob[Any] = _RemoteJob(name, self, call_id, on_result)
        if self._register(call_id, job):
            self._send(("job", call_id, method, args))
        return job

    def _call(self, method: str, *args: Any) -> Any:
        call_id = next(self._ids)
        call = _Call()
        if self._register(call_id, call):
            self._send(("call", call_id, method, args))
        call.done.wait()
        if call.error is not None:
            raise call.error
        return call.value

    def _register(self, call_id: int, waiter: _Call | _RemoteJob[Any]) -> bool:
        with self._lock:
            if self._closing:
                _settle(waiter, ConfidenteError("Confidente is closing."))
                return False
            self._pending[call_id] = waiter
        return True

    def _send(self, message: tuple[str, int, str, tuple[Any, ...]]) -> None:
        self._outbox.put(message)

    def _send_loop(self) -> None:
        """Start the child when needed and pass it each message, in order."""
        while True:
            message = self._outbox.get()
            if message is _STOP:
                self._stop_child()
                return
            kind, call_id, method, args = message
            if kind == "start":
                with contextlib.suppress(IndexProcessError):  # the first request says why
                    self._running_child()
                continue
            if kind == "cancel":
                with self._lock:
                    known = call_id in self._sent
                if known:
                    self._write(pickle.dumps((kind, call_id, method, args, None)))
                continue
            with self._lock:
                waiter = self._pending.get(call_id)
            if waiter is None:
                continue
            if isinstance(waiter, _RemoteJob) and waiter.cancel_token.cancelled:
                self._finish(call_id, error=ConfidenteError("Cancelled before it started."))
                continue
            try:
                conn, process = self._running_child()
            except IndexProcessError as error:
                self._finish(call_id, error=error)
                continue
            with self._lock:
                self._sent[call_id] = process
            try:
                payload = pickle.dumps((kind, call_id, method, args, self._settings()))
            except Exception as error:  # an argument that cannot cross: a bug, reported
                self._finish(call_id, error=error, report=traceback.format_exc())
                continue
            if not self._write(payload, conn):
                self._finish(call_id, error=_stopped(None))

    def _write(self, payload: bytes, conn: Connection | None = None) -> bool:
        conn = conn or self._conn
        if conn is None:
            return False
        try:
            conn.send_bytes(payload)
        except (OSError, ValueError):  # the child is gone; its reader fails what it had
            return False
        return True

    def _running_child(self) -> tuple[Connection, BaseProcess]:
        if self._process is not None and self._conn is not None and self._process.is_alive():
            return self._conn, self._process
        conn, child_end = self._context.Pipe(duplex=True)
        process = self._context.Process(
            target=serve,
            args=(child_end, self._paths, self.limits, self._key),  # over the pipe, not argv
            name="confidente-index",
            # Not a daemon, since daemons may not start the sandboxed reader. It still
            # never outlives the app: it stops when its pipe closes (the app exited or
            # was killed), and at a normal exit `close` runs first (atexit, see __init__).
            daemon=False,
        )
        try:
            process.start()
        except OSError as error:
            conn.close()
            child_end.close()
            raise IndexProcessError(
                "The document index could not start.", detail=str(error)
            ) from error
        child_end.close()  # only the child holds its end now: its death reads as EOF here
        # Set from here, at once: the child's own start-up (an interpreter, imports) is
        # already background work competing with the window.
        if process.pid is not None:
            _lower_priority(process.pid)
        self._process, self._conn = process, conn
        receiver = threading.Thread(
            target=self._receive_loop,
            args=(conn, process),
            name="confidente-index-replies",
            daemon=True,
        )
        receiver.start()
        self._receivers = [r for r in self._receivers if r.is_alive()] + [receiver]
        return conn, process

    def _receive_loop(self, conn: Connection, process: BaseProcess) -> None:
        """Hand each reply to whoever waits for it; when the child ends, fail what it had."""
        while True:
            try:
                raw = conn.recv_bytes()
            except (EOFError, OSError):
                break
            try:
                kind, call_id, payload = pickle.loads(raw)
            except Exception:  # a reply that does not unpickle (not ours): skip it
                continue
            self._deliver(kind, call_id, payload)
        process.join(CLOSE_SECONDS)
        with self._lock:
            lost = [i for i, child in self._sent.items() if child is process]
            closing = self._closing
        for call_id in lost:
            self._finish(call_id, error=_stopped(None if closing else process.exitcode, closing))
        with contextlib.suppress(OSError):
            conn.close()

    def _deliver(self, kind: str, call_id: int, payload: bytes) -> None:
        try:
            value = pickle.loads(payload)
        except Exception as error:  # e.g. an exception type that cannot be rebuilt
            self._finish(call_id, error=error, report=traceback.format_exc())
            return
        if kind == "event":
            with self._lock:
                waiter = self._pending.get(call_id)
                if isinstance(value, Finished | Failed):
                    self._pending.pop(call_id, None)
                    self._sent.pop(call_id, None)
            if isinstance(waiter, _RemoteJob):
                waiter._put(value)
        elif kind == "result":
            self._finish(call_id, value=value)
        elif kind == "error":
            raised, report = value
            self._finish(call_id, error=raised, report=report)

    def _finish(
        self, call_id: int, value: Any = None, error: BaseException | None = None, report: str = ""
    ) -> None:
        with self._lock:
            waiter = self._pending.pop(call_id, None)
            self._sent.pop(call_id, None)
        if waiter is not None:
            _settle(waiter, error, value, report)

    def _stop_child(self) -> None:
        process, conn = self._process, self._conn
        if process is not None and conn is not None:
            self._write(pickle.dumps(None), conn)  # "close the index and exit"
            process.join(CLOSE_SECONDS)
            if process.is_alive():
                process.kill()
                process.join(5)
        for receiver in self._receivers:  # each ends once its child's pipe is closed
            receiver.join(CLOSE_SECONDS)
        with self._lock:
            left = list(self._pending)
        for call_id in left:  # queued behind the stop, never sent
            self._finish(call_id, error=ConfidenteError("Cancelled: Confidente is closing."))


def _lower_priority(pid: int) -> None:
    with contextlib.suppress(AttributeError, OSError):  # no priorities on Windows here
        os.setpriority(os.PRIO_PROCESS, pid, os.getpriority(os.PRIO_PROCESS, 0) + NICENESS)


def _close_at_exit(reference: weakref.ref[DocumentsProcess]) -> None:
    process = reference()
    if process is not None:
        process.close()


def _stopped(exitcode: int | None, closing: bool = False) -> ConfidenteError:
    if closing:
        return ConfidenteError("Cancelled: Confidente is closing.")
    how = f" (exit code {exitcode})" if exitcode else ""
    return IndexProcessError(
        f"The document index stopped unexpectedly{how}. Documents indexed before are kept; "
        "try again."
    )


def _settle(
    waiter: _Call | _RemoteJob[Any],
    error: BaseException | None,
    value: Any = None,
    report: str = "",
) -> None:
    if isinstance(waiter, _Call):
        waiter.settle(value, error)
    elif error is not None:
        waiter._put(Failed(error, report))
    else:
        waiter._put(Finished(value))
