"""Another process holding the document store's write lock, for the writer-lock tests.

`holders` (a fixture for every test, registered in tests/conftest.py) stops
each holder a test started.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

HOLD = """
import sys
from pathlib import Path
from app.core.documents.writer_lock import WriterLock
folder, kind, library = sys.argv[1:]
with WriterLock(Path(folder), kind).hold(library):
    print("held", flush=True)
    sys.stdin.read()
"""


class LockHolder:
    """A real other process holding the store's write lock."""

    def __init__(self, home: Path, kind: str, library: str = "default") -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", HOLD, str(home / "data" / "documents"), kind, library],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=dict(os.environ),
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line.strip() == "held", f"the holder could not take the lock ({line!r})"

    @property
    def pid(self) -> int:
        return self.process.pid

    def release(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
        self.process.wait(30)

    def stop(self) -> None:
        """End it however it is, and close its pipes (for the fixtures)."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(30)
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(30)
        assert self.process.returncode == -signal.SIGKILL


@pytest.fixture
def holders() -> Iterator[list[LockHolder]]:
    started: list[LockHolder] = []
    yield started
    for holder in started:
        holder.stop()
