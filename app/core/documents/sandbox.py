"""Read untrusted documents in a child process, so one hostile file fails alone.

A decompression bomb, an endless loop in a parser, a broken cross-reference
table or a crash in a C extension would take the whole app down if read
in-process. Here one long-lived child process reads files one after another
(no process start per file) under an address-space limit, while the parent
waits with a deadline. When a file hangs, exhausts or kills the child, that
file fails with its reason, a fresh child is started for the next one, and
the rest go on.

The child is spawned, not forked: the parent has threads (the model worker,
Qt, torch) that a forked child would inherit in an unknown state. Spawning
imports only this module and the light ones it imports; the parsers are
imported by the child itself. A frozen (PyInstaller) app must call
`multiprocessing.freeze_support()` first thing in its entry point.

Replies come back as JSON bytes of a bounded size, not pickles: the parent
never unpickles anything a child that parsed hostile input produced.
"""

from __future__ import annotations

import contextlib
import json
import logging
import multiprocessing
import os
import signal
import time
import traceback
import warnings
from multiprocessing.connection import Connection
from multiprocessing.context import SpawnProcess
from pathlib import Path
from types import TracebackType

from app.core import privacy
from app.core.cancel import CancelToken
from app.core.documents.extract import extract, preload_parsers
from app.core.documents.limits import (
    BrokenDocument,
    ExtractionLimits,
    UnreadableDocument,
    human_size,
)
from app.core.documents.records import Extracted, Page
from app.core.errors import ConfidenteError

_SLICE_SECONDS = 0.1  # how often a wait looks at the cancel token
_START_SECONDS = 30.0  # a fresh interpreter importing the parsers, on a slow, busy laptop
_GRACE_SECONDS = 1.0  # for the child to exit on its own before it is killed
_READY = b"ready"


class ReaderUnavailable(ConfidenteError):
    """The sandboxed reader could not be started: not the document's fault."""


class IsolatedExtractor:
    """Reads documents one after another in a sandboxed child process.

    Use it as a context manager, from one thread at a time (the ingest job):
    the child reads one file at a time, so it is not shared between threads.
    `extract` raises `UnreadableDocument` or `BrokenDocument` exactly as the
    in-process reader would, plus `BrokenDocument` when the file takes too
    long, exhausts the memory allowed or crashes the reader, and
    `ConfidenteError("Cancelled.")` when `cancel` is set while it reads.
    """

    def __init__(self, limits: ExtractionLimits | None = None) -> None:
        self.limits = limits or ExtractionLimits()
        self._context = multiprocessing.get_context("spawn")
        self._process: SpawnProcess | None = None
        self._conn: Connection | None = None

    def __enter__(self) -> IsolatedExtractor:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def child_pid(self) -> int | None:
        """The reader process while it runs: diagnostics, and tests that kill it."""
        process = self._process
        return process.pid if process is not None and process.is_alive() else None

    def extract(self, path: Path, cancel: CancelToken | None = None) -> Extracted:
        """Read `path` in the child, within the time and memory limits."""
        if cancel is not None and cancel.cancelled:
            raise ConfidenteError("Cancelled.")
        request = os.fsencode(path)
        conn = self._running_child(cancel)
        try:
            conn.send_bytes(request)
        except OSError:  # the idle reader died (killed from outside): not this file's fault
            self._stop()
            conn = self._running_child(cancel)
            conn.send_bytes(request)
        raw = self._receive(conn, self.limits.seconds, cancel)
        if raw is None:
            aborted = self._died_by(signal.SIGABRT)
            self._stop()
            if aborted:
                # PDFium ends the process with abort() when an allocation fails: the
                # address-space limit is the usual reason, a damaged file the other.
                raise BrokenDocument(
                    "The reader gave up on this file: it needs more than the "
                    f"{human_size(self.limits.memory_bytes)} of memory allowed for one "
                    "file, or it is damaged."
                )
            raise BrokenDocument("The reader crashed on this file.")
        try:
            reply = json.loads(raw.decode("utf-8", "surrogatepass"))
            status = reply["status"]
            if status == "ok":
                return Extracted(
                    kind=str(reply["kind"]),
                    pages=tuple(Page(number, str(text)) for number, text in reply["pages"]),
                )
            message, detail = str(reply["message"]), str(reply["detail"])
        except (ValueError, KeyError, TypeError, AttributeError) as error:  # not our child's
            self._stop()
            raise BrokenDocument("The reader crashed on this file.") from error
        if status == "unreadable":
            raise UnreadableDocument(message)
        if status == "broken":
            raise BrokenDocument(message)
        self._stop()  # the child exits after these; the next file starts on a clean one
        if status == "memory":
            raise BrokenDocument(
                f"Ran out of the {human_size(self.limits.memory_bytes)} memory allowed "
                "for reading one file."
            )
        raise BrokenDocument(f"Could not read this file: {message}", detail=detail)

    def close(self) -> None:
        """Let the reader exit, and wait for it; kill it if it does not go."""
        process, conn = self._process, self._conn
        if process is not None and conn is not None and process.is_alive():
            with contextlib.suppress(OSError):
                conn.send_bytes(b"")  # the empty request means "stop"
            process.join(_GRACE_SECONDS)
        self._stop()

    def _running_child(self, cancel: CancelToken | None) -> Connection:
        if self._process is not None and self._conn is not None and self._process.is_alive():
            return self._conn
        self._stop()
        conn, child_end = self._context.Pipe(duplex=True)
        process = self._context.Process(
            target=_serve,
            args=(child_end, self.limits),
            name="confidente-reader",
            daemon=True,  # never outlives the app, whatever happens to it
        )
        try:
            process.start()
        except OSError as error:  # out of processes or memory: the machine, not the file
            conn.close()
            child_end.close()
            raise ReaderUnavailable(
                "The document reader could not start.", detail=str(error)
            ) from error
        child_end.close()  # only the child holds its end now: its death reads as EOF here
        self._process, self._conn = process, conn
        try:
            ready = self._receive(conn, _START_SECONDS, cancel)
        except BrokenDocument as error:
            raise ReaderUnavailable("The document reader did not start in time.") from error
        if ready != _READY:
            exitcode = process.exitcode
            self._stop()
            raise ReaderUnavailable(
                "The document reader could not start.", detail=f"exit code {exitcode}"
            )
        return conn

    def _receive(
        self, conn: Connection, seconds: float, cancel: CancelToken | None
    ) -> bytes | None:
        """The child's next message, or None if it died; kills it on timeout or cancel."""
        deadline = time.monotonic() + seconds
        while True:
            if cancel is not None and cancel.cancelled:
                self._stop()
                raise ConfidenteError("Cancelled.")
            left = deadline - time.monotonic()
            if left <= 0:
                self._stop()
                raise BrokenDocument(f"Took longer than {seconds:g} s to read; skipped.")
            try:
                if conn.poll(min(_SLICE_SECONDS, left)):
                    return conn.recv_bytes(self._max_reply_bytes())
            except (EOFError, OSError):
                return None  # dead child, or a reply beyond any honest size

    def _max_reply_bytes(self) -> int:
        # JSON escapes a character in at most 6 bytes; pages add their numbers and brackets.
        return 6 * self.limits.max_chars + 32 * self.limits.max_pages + 65_536

    def _died_by(self, signal_number: int) -> bool:
        """Whether the child has ended, killed by `signal_number` (waits briefly for it)."""
        process = self._process
        if process is None:
            return False
        process.join(_GRACE_SECONDS)
        return process.exitcode == -signal_number

    def _stop(self) -> None:
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if conn is not None:
            conn.close()
        if process is None:
            return
        if process.is_alive():
            process.terminate()
            process.join(_GRACE_SECONDS)
        if process.is_alive():
            process.kill()
            process.join(_GRACE_SECONDS)
        if not process.is_alive():  # else multiprocessing reaps it at exit (daemon)
            process.close()


def extract_isolated(
    path: Path, limits: ExtractionLimits | None = None, cancel: CancelToken | None = None
) -> Extracted:
    """Read one file in a sandboxed child started for it (for a one-off, not for a batch)."""
    with IsolatedExtractor(limits) as extractor:
        return extractor.extract(path, cancel)


# -- the child ---------------------------------------------------------------


def _serve(conn: Connection, limits: ExtractionLimits) -> None:
    """The child's whole life: read each path the parent sends; reply with its text or why not."""
    privacy.enter_child(without_network=True)  # first: a hostile file reaches nothing
    _settle_child(limits)
    conn.send_bytes(_READY)
    while True:
        try:
            request = conn.recv_bytes()
        except (EOFError, OSError):
            return  # the parent is gone
        if not request:
            return
        reply, unsound = _read_one(Path(os.fsdecode(request)), limits)
        try:
            conn.send_bytes(reply)
        except MemoryError:
            with contextlib.suppress(MemoryError, OSError):
                conn.send_bytes(_failure("memory"))
            return
        except OSError:
            return
        if unsound:
            return  # after a MemoryError or a parser bug, the next file gets a fresh process


def _read_one(path: Path, limits: ExtractionLimits) -> tuple[bytes, bool]:
    """The reply for one file, and whether this process should stop after sending it."""
    try:
        extracted = extract(path, limits)
        pages = [[page.number, page.text] for page in extracted.pages]
        ok = {"status": "ok", "kind": extracted.kind, "pages": pages}
        return json.dumps(ok, ensure_ascii=False).encode("utf-8", "surrogatepass"), False
    except UnreadableDocument as error:
        return _failure("unreadable", error.message), False
    except BrokenDocument as error:
        return _failure("broken", error.message), False
    except MemoryError:
        pass  # replied below, once the except block has let go of the file's data
    except Exception as error:
        lines = str(error).strip().splitlines()
        message = f"{type(error).__name__}: {lines[0][:160]}" if lines else type(error).__name__
        return _failure("error", message, traceback.format_exc()), True
    return _failure("memory"), True


def _failure(status: str, message: str = "", detail: str = "") -> bytes:
    return json.dumps({"status": status, "message": message, "detail": detail}).encode()


def _settle_child(limits: ExtractionLimits) -> None:
    # Ctrl+C in a terminal signals the whole process group; the parent decides what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # No terminal input, and nothing on the CLI's stdout (`--json` prints one document).
    # multiprocessing already swapped sys.stdin for devnull; this covers native code too.
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)
        os.dup2(devnull, 1)
        os.close(devnull)
    logging.disable(logging.CRITICAL)  # pypdf logs every repair it makes; nobody reads these
    warnings.simplefilter("ignore")
    limit_memory(limits.memory_bytes)
    preload_parsers()  # so a file's time limit is spent reading it, not importing


def limit_memory(memory_bytes: int) -> None:
    """Cap the child's address space, so a bomb ends in MemoryError, not in swapping.

    POSIX only: Windows has no rlimits (a job object would be the equivalent),
    and macOS accepts RLIMIT_AS without enforcing it. There, the time limit
    still stops a runaway file.
    """
    try:
        import resource
    except ImportError:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = memory_bytes if hard == resource.RLIM_INFINITY else min(memory_bytes, hard)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
