"""One process at a time writes the document libraries: a lock file, held for a write job.

The window's index process and a `confidente add` in a terminal would otherwise
write the same Chroma store and catalog at once, which Chroma does not survive.
Every write job (add, re-index, an embedding-model switch, remove with its
compaction, deleting a library) holds this lock while it runs; reads (search,
listings) never take it, so a terminal search still answers while the window
indexes. A job that finds the lock taken fails at once with `LibraryBusy`,
before it has changed anything, and says who is writing.

The lock covers the whole store, not one library: all libraries share one
catalog and one Chroma folder, and a write job touches them as a whole (Chroma's
SQLite file is vacuumed, orphan segment folders deleted, a broken index moved
aside). The file says which library its holder is writing, for the message.

It is an OS lock on `writer.lock` in the documents folder (`fcntl.flock` on
POSIX, `msvcrt.locking` on Windows), so the system drops it when its holder
dies, even by SIGKILL: there is no stale lock to clean up. Within one process it
is shared (`_ProcessLocks`): nested holds and other threads of the same process
count up instead of locking themselves out, as the OS lock belongs to the
process anyway. The file is owner-only (0600) and holds one JSON line naming its
holder (process id, "window" or "terminal", library).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from app.core.errors import DocumentError

WriterKind = Literal["window", "terminal"]
LOCK_FILE = "writer.lock"
_INFO_LIMIT = 4096  # the holder's line is far shorter; Windows locks the byte after it
_TRY_AGAIN = "try again when it has finished."


class LibraryBusy(DocumentError):
    """Another Confidente process is writing the document libraries."""


@dataclass(frozen=True)
class Holder:
    """Who holds the lock, as its file says."""

    pid: int
    kind: str
    library: str


def busy_message(holder: Holder | None, library: str) -> str:
    """What a refused job tells the user: where the writing happens, and what to do."""
    if holder is None:
        return f"Confidente is indexing your documents in another process; {_TRY_AGAIN}"
    what = "this library" if holder.library == library else f"the library “{holder.library}”"
    where = "another window" if holder.kind == "window" else f"a terminal (process {holder.pid})"
    return f"Confidente is indexing {what} in {where}; {_TRY_AGAIN}"


class WriterLock:
    """The document store's write lock, as one front end (`kind`) of this process takes it."""

    def __init__(self, folder: Path, kind: WriterKind) -> None:
        self.path = Path(os.path.abspath(folder / LOCK_FILE))  # one key per file in this process
        self.kind: WriterKind = kind

    @contextlib.contextmanager
    def hold(self, library: str) -> Iterator[None]:
        """Hold the lock while writing `library`; LibraryBusy at once if another process has it."""
        _PROCESS_LOCKS.acquire(self.path, Holder(os.getpid(), self.kind, library))
        try:
            yield
        finally:
            _PROCESS_LOCKS.release(self.path)


@dataclass
class _Held:
    descriptor: int
    count: int


class _ProcessLocks:
    """The lock files this process holds, each with how many holds are open on it.

    Process-wide on purpose: the OS lock is the process's, and on POSIX a second
    descriptor on the same file would be refused by the first (flock is per open file),
    so a job that nests a write, or a second service in the process, must share it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: dict[Path, _Held] = {}

    def acquire(self, path: Path, holder: Holder) -> None:
        with self._lock:
            held = self._held.get(path)
            if held is not None:
                held.count += 1
                return
            descriptor = _open(path)
            try:
                locked = _try_lock(descriptor)
            except OSError as exc:  # a file system without locks (some network shares)
                os.close(descriptor)
                raise DocumentError(
                    f"The document libraries cannot be locked for writing ({path}: "
                    f"{exc.strerror or exc})."
                ) from exc
            if not locked:
                current = _read_holder(descriptor)
                os.close(descriptor)
                raise LibraryBusy(busy_message(current, holder.library))
            _write_holder(descriptor, holder)
            self._held[path] = _Held(descriptor, 1)

    def release(self, path: Path) -> None:
        with self._lock:
            held = self._held[path]
            held.count -= 1
            if held.count:
                return
            del self._held[path]
            with contextlib.suppress(OSError):
                os.ftruncate(held.descriptor, 0)  # no one holds it: name no one
            _unlock(held.descriptor)
            os.close(held.descriptor)


_PROCESS_LOCKS = _ProcessLocks()


def _open(path: Path) -> int:
    """The lock file, created owner-only; never truncated here (it names the holder)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags, 0o600)
    except OSError as exc:
        raise DocumentError(
            f"The document libraries cannot be locked for writing ({path}: {exc.strerror or exc})."
        ) from exc
    if sys.platform != "win32":
        with contextlib.suppress(OSError):  # made by an older, laxer umask
            os.fchmod(descriptor, 0o600)
    return descriptor


def _write_holder(descriptor: int, holder: Holder) -> None:
    line = json.dumps({"pid": holder.pid, "kind": holder.kind, "library": holder.library})
    data = (line + "\n").encode("utf-8")[:_INFO_LIMIT]
    with contextlib.suppress(OSError):  # the lock is held either way; only the message suffers
        os.ftruncate(descriptor, 0)
        os.lseek(descriptor, 0, os.SEEK_SET)
        os.write(descriptor, data)


def _read_holder(descriptor: int) -> Holder | None:
    """Who the file names; None while the holder has not written it yet, or if garbled."""
    try:
        os.lseek(descriptor, 0, os.SEEK_SET)
        data = os.read(descriptor, _INFO_LIMIT)
        found = json.loads(data.decode("utf-8"))
        return Holder(int(found["pid"]), str(found["kind"]), str(found["library"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


if sys.platform == "win32":
    import msvcrt

    def _try_lock(descriptor: int) -> bool:
        # A byte past the holder's line: Windows locks are mandatory, and a locked
        # byte could not be read by the process that wants to say who holds it.
        os.lseek(descriptor, _INFO_LIMIT, os.SEEK_SET)
        try:
            msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(descriptor: int) -> None:
        os.lseek(descriptor, _INFO_LIMIT, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(descriptor, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(descriptor: int) -> bool:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(descriptor: int) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(descriptor, fcntl.LOCK_UN)
