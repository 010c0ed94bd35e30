"""Keep everything on this machine.

Two layers: environment switches that turn off the telemetry of our
dependencies before they are imported, and an audit hook that refuses any
Python socket connection leaving the machine unless the current thread was
explicitly allowed (a model download the user started).
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from app.core.errors import NetworkBlockedError

# Set before chromadb, huggingface_hub, transformers or tokenizers are imported:
# they read these once, at import time.
OFFLINE_ENVIRONMENT: dict[str, str] = {
    "ANONYMIZED_TELEMETRY": "False",  # chromadb's posthog telemetry
    "CHROMA_TELEMETRY": "False",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_OFFLINE": "1",
    "HF_HUB_DISABLE_IMPLICIT_TOKEN": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",  # no progress bars printed by libraries
    "TRANSFORMERS_VERBOSITY": "error",
    "DO_NOT_TRACK": "1",
}

_guard_lock = threading.Lock()
_guard_installed = False
_allowed = threading.local()


def apply_offline_environment() -> None:
    """Switch off dependency telemetry and hub access for this process."""
    os.environ.update(OFFLINE_ENVIRONMENT)


def install_network_guard() -> None:
    """Refuse, process-wide, Python connections to hosts off this machine.

    Audit hooks cannot be removed, so this is called by the entry points
    (GUI, CLI), not on import.
    """
    global _guard_installed
    with _guard_lock:
        if _guard_installed:
            return
        sys.addaudithook(_audit)
        _guard_installed = True


def network_guard_installed() -> bool:
    return _guard_installed


@contextmanager
def network_allowed() -> Iterator[None]:
    """Let the current thread reach the network (a user-started download)."""
    previous = getattr(_allowed, "value", False)
    _allowed.value = True
    try:
        yield
    finally:
        _allowed.value = previous


def network_allowed_here() -> bool:
    """Whether this thread may reach the network now (inside `network_allowed`)."""
    return bool(getattr(_allowed, "value", False))


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event not in ("socket.connect", "socket.sendto", "socket.getaddrinfo"):
        return
    if getattr(_allowed, "value", False):
        return
    if event == "socket.getaddrinfo":
        host = args[0]
    else:
        sock, address = args[0], args[1]
        if getattr(sock, "family", None) not in (socket.AF_INET, socket.AF_INET6):
            return  # Unix sockets and socket pairs stay on the machine.
        host = address[0] if isinstance(address, tuple) and address else None
    if _is_local(host):
        return
    raise NetworkBlockedError(
        f"Confidente blocked a network connection to {host!r}: nothing leaves this machine."
    )


def _is_local(host: object) -> bool:
    if host is None:
        return True  # getaddrinfo(None, port) resolves a local bind address
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    if host in ("", "localhost") or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def listening_sockets_of_this_process() -> list[str]:
    """Return 'address:port' for every TCP socket this process listens on (Linux)."""
    inodes = _socket_inodes_of_this_process()
    found: list[str] = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) > 9 and fields[3] == "0A" and fields[9] in inodes:  # 0A = LISTEN
                found.append(fields[1])
    return found


def _socket_inodes_of_this_process() -> set[str]:
    inodes: set[str] = set()
    fd_dir = Path("/proc/self/fd")
    try:
        entries = list(fd_dir.iterdir())
    except OSError:
        return inodes
    for entry in entries:
        try:
            target = os.readlink(entry)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def machine_has_default_route() -> bool | None:
    """Whether this machine could reach other networks at all (Linux), without traffic."""
    try:
        lines = Path("/proc/net/route").read_text().splitlines()[1:]
    except OSError:
        return None
    return any(len(f) > 1 and f[1] == "00000000" for f in (line.split() for line in lines))
