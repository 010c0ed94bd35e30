"""Keep everything on this machine.

Three layers: environment switches that turn off the telemetry of our
dependencies before they are imported; an audit hook that refuses every
Python socket operation that would leave the machine (connect, send, a
non-loopback bind, resolving any name but localhost) unless the current
thread was explicitly allowed (a model download the user started); and, for
the children that parse untrusted files, a network namespace of their own on
Linux, which holds for native code too.
"""

from __future__ import annotations

import errno
import ipaddress
import os
import platform
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.errors import NetworkBlockedError

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

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


def enter_child(*, without_network: bool = False) -> str | None:
    """First thing in every spawned child: its own network namespace if asked, then the guard.

    `without_network` (Linux) moves the child into a new user and network
    namespace, where the only interface is a loopback that is down: native
    code cannot reach anything either. That must happen while the process is
    still single-threaded, so before anything else. Where the kernel refuses
    it, the child goes on with the guard alone. Returns None when the child is
    without network, else why not.
    """
    reason = enter_network_namespace() if without_network else "not asked for"
    apply_offline_environment()
    install_network_guard()
    return reason


# Linux <sched.h>; os.unshare arrived in Python 3.12.
_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000


def enter_network_namespace() -> str | None:
    """Move this process into a new network namespace (Linux). None if done, else why not."""
    if not sys.platform.startswith("linux"):
        return f"not available on {platform.system() or sys.platform}"
    import ctypes  # here, not at import: only the children that parse untrusted files need it

    uid, gid = os.getuid(), os.getgid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        unshare = libc.unshare
    except (OSError, AttributeError) as error:
        return f"unshare is not available ({error})"
    unshare.argtypes = [ctypes.c_int]
    unshare.restype = ctypes.c_int
    if unshare(_CLONE_NEWUSER | _CLONE_NEWNET) != 0:
        code = ctypes.get_errno()
        why = {
            errno.EPERM: "unprivileged user namespaces are switched off",
            errno.EINVAL: "the process already had threads",
            errno.ENOSPC: "the limit of user namespaces is reached",
            errno.ENOSYS: "the kernel has no namespaces",
        }.get(code, os.strerror(code))
        return f"the kernel refused it, {errno.errorcode.get(code, code)}: {why}"
    # Keep this process's own ids inside the namespace (else it shows as "nobody").
    for name, text in (
        ("setgroups", "deny"),
        ("uid_map", f"{uid} {uid} 1"),
        ("gid_map", f"{gid} {gid} 1"),
    ):
        try:
            Path("/proc/self", name).write_text(text)
        except OSError:
            break
    return None


def children_network_check(seconds: float = 30.0) -> dict[str, Any]:
    """Measure, in a short-lived spawned child entered as the readers are, what it can reach."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(
        target=_network_check_child, args=(send,), name="confidente-network-check", daemon=True
    )
    try:
        process.start()
    except OSError as error:
        receive.close()
        send.close()
        return {"namespace": f"no (the check process could not start: {error})", "guard": False}
    send.close()
    try:
        if not receive.poll(seconds):
            return {"namespace": "no (the check process did not answer)", "guard": False}
        reason, namespace, interfaces, refused = receive.recv()
    except (EOFError, OSError):
        return {"namespace": "no (the check process crashed)", "guard": False}
    finally:
        receive.close()
        process.join(5)
        if process.is_alive():
            process.kill()
            process.join(5)
    if reason is None and namespace is not None and namespace == _network_namespace_id():
        reason = "it stayed in the app's network namespace"
    elif reason is None and any(name != "lo" for name in interfaces):
        reason = f"it still sees {', '.join(n for n in interfaces if n != 'lo')}"
    return {"namespace": "yes" if reason is None else f"no ({reason})", "guard": refused}


def _network_check_child(conn: Connection) -> None:
    reason = enter_child(without_network=True)
    try:  # the event `socket.gethostbyname` raises, without the lookup should the guard fail
        sys.audit("socket.gethostbyname", "example.org")
        refused = False
    except NetworkBlockedError:
        refused = True
    conn.send((reason, _network_namespace_id(), _network_interfaces(), refused))
    conn.close()


def _network_namespace_id() -> str | None:
    try:
        return os.readlink("/proc/self/ns/net")
    except OSError:
        return None


def _network_interfaces() -> list[str]:
    """The interfaces this process's network namespace has (Linux)."""
    try:
        lines = Path("/proc/self/net/dev").read_text().splitlines()[2:]
    except OSError:
        return []
    return [line.split(":", 1)[0].strip() for line in lines if ":" in line]


def _audit(event: str, args: tuple[Any, ...]) -> None:
    check = _CHECKS.get(event)  # every audit event passes here: keep the common path short
    if check is None or getattr(_allowed, "value", False):
        return
    refused = check(args)
    if refused is not None:
        raise NetworkBlockedError(f"Confidente blocked {refused}: nothing leaves this machine.")


# Families whose addresses never leave the machine: Unix sockets and socket
# pairs, the kernel's netlink and crypto interfaces. IP is checked address by
# address; anything else (raw packets, Bluetooth, VSOCK, CAN...) is refused.
_LOCAL_FAMILIES = frozenset(
    getattr(socket, name) for name in ("AF_UNIX", "AF_NETLINK", "AF_ALG") if hasattr(socket, name)
)
_IP_FAMILIES = frozenset({socket.AF_INET, socket.AF_INET6})


def _sent(args: tuple[Any, ...]) -> str | None:
    """connect, connect_ex, sendto, sendmsg: (socket, address); sendmsg's may be None."""
    sock, address = args[0], args[1]
    if address is None:
        return None  # sendmsg on a connected socket: its connect was checked
    return _socket_address(sock, address, "a network connection to", bind=False)


def _bound(args: tuple[Any, ...]) -> str | None:
    return _socket_address(args[0], args[1], "listening on", bind=True)


def _socket_address(sock: object, address: object, what: str, *, bind: bool) -> str | None:
    family = getattr(sock, "family", None)
    if family in _LOCAL_FAMILIES:
        return None
    if family not in _IP_FAMILIES:
        return f"a socket of family {family!r}"
    host = address[0] if isinstance(address, tuple) and address else address
    if bind and host in ("", None):
        return f"{what} every network interface"
    return None if _is_local(host) else f"{what} {host!r}"


def _resolved(args: tuple[Any, ...]) -> str | None:
    """getaddrinfo, gethostbyname(_ex): the name or address comes first."""
    return None if _is_local(args[0]) else _lookup(args[0])


def _reverse_resolved(args: tuple[Any, ...]) -> str | None:
    """gethostbyaddr: (address,); getnameinfo: (sockaddr,)."""
    address = args[0]
    host = address[0] if isinstance(address, tuple) and address else address
    return None if _is_local(host) else f"a name lookup of {host!r}"


def _lookup(host: object) -> str:
    """What a refused lookup was on its way to: a connection when it names an address."""
    try:
        ipaddress.ip_address(str(host).split("%", 1)[0])
    except ValueError:
        return f"a name lookup of {host!r}"
    return f"a network connection to {host!r}"


def _renamed(args: tuple[Any, ...]) -> str | None:
    return f"renaming the machine to {args[0]!r}"


# The socket audit events of CPython 3.11 that can reach out (socket.__new__,
# gethostname, getservbyname and getservbyport stay on the machine). One limit:
# CPython resolves a host *name* given to connect, sendto, sendmsg or bind before
# it raises their event, so the connection is refused but that lookup has already
# been asked. Our code passes addresses or resolves through getaddrinfo (checked);
# the children that read untrusted input also have no network to ask on (Linux).
_CHECKS: dict[str, Callable[[tuple[Any, ...]], str | None]] = {
    "socket.connect": _sent,  # connect and connect_ex
    "socket.sendto": _sent,
    "socket.sendmsg": _sent,
    "socket.bind": _bound,
    "socket.getaddrinfo": _resolved,
    "socket.gethostbyname": _resolved,  # gethostbyname and gethostbyname_ex
    "socket.gethostbyaddr": _reverse_resolved,  # also getfqdn
    "socket.getnameinfo": _reverse_resolved,
    "socket.sethostname": _renamed,
}


def _is_local(host: object) -> bool:
    if host is None:
        return True  # getaddrinfo(None, port) resolves a local bind address
    if isinstance(host, bytes | bytearray):
        host = bytes(host).decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    if host in ("", "localhost", "localhost."):
        return True  # not "*.localhost": a resolver may well ask DNS about those
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
