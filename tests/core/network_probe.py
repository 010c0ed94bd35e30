"""A child's pipe end that, the first time the child uses it, tries to reach out.

Passed to the real spawned targets (the reader, the model check, the
highlighter, the index process) in place of their connection, so what is
measured is what those children can do after their own entry code has run.
Light on purpose: the child imports this module before its target starts.
"""

from __future__ import annotations

import json
import os
import socket
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

OUTSIDE_ADDRESS = ("192.0.2.1", 9)  # TEST-NET-1: never routed, never answered


class ProbingConnection:
    def __init__(self, conn: Connection, report: Path) -> None:
        self._conn = conn
        self._report = report

    def send_bytes(self, data: bytes, *args: Any) -> None:
        self._probe()
        self._conn.send_bytes(data, *args)

    def recv_bytes(self, *args: Any) -> bytes:
        self._probe()
        return self._conn.recv_bytes(*args)

    def poll(self, timeout: float | None = 0.0) -> bool:
        return self._conn.poll(timeout)

    def close(self) -> None:
        self._conn.close()

    def fileno(self) -> int:
        return self._conn.fileno()

    def _probe(self) -> None:
        if self._report.exists():
            return
        self._report.write_text(json.dumps(reach_out()))


def reach_out() -> dict[str, Any]:
    """Try a name lookup and a connection off the machine; say how each ended."""

    def attempt(action: Any) -> str:
        try:
            action()
        except PermissionError as error:  # NetworkBlockedError is one
            return "refused" if "Confidente blocked" in str(error) else f"failed: {error}"
        except OSError as error:
            return f"failed: {error}"
        return "done"

    def connect() -> None:
        with socket.create_connection(OUTSIDE_ADDRESS, timeout=0.5):
            pass

    try:
        namespace: str | None = os.readlink("/proc/self/ns/net")
        lines = Path("/proc/self/net/dev").read_text().splitlines()[2:]
        interfaces = [line.split(":", 1)[0].strip() for line in lines if ":" in line]
    except OSError:
        namespace, interfaces = None, []
    return {
        "lookup": attempt(lambda: socket.gethostbyname("example.org")),
        "connect": attempt(connect),
        "namespace": namespace,
        "interfaces": interfaces,
    }
