"""The network guard: every socket audit event that could leave the machine is refused,
loopback and Unix sockets are not, a user-started download still reaches out; and the
children that read untrusted input run guarded, and on Linux without a network at all."""

from __future__ import annotations

import json
import multiprocessing
import os
import pickle
import shutil
import subprocess
import sys
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pytest

from app.core import doctor
from app.core.data_key import ephemeral_key
from app.core.documents import highlight, page_render, process_server, sandbox
from app.core.documents.limits import ExtractionLimits
from app.core.models import vetting
from app.core.paths import app_paths
from tests.core.network_probe import ProbingConnection

# Run in a fresh interpreter: an audit hook cannot be removed from this one.
# Each attempt prints "refused", "done" or "failed: ..." (no network here is no proof).
ATTEMPTS = r"""
import json, socket, sys, tempfile, threading, os
from app.core import privacy
from app.core.errors import NetworkBlockedError

if sys.argv[1] == "guarded":
    privacy.install_network_guard()
OUT = ("192.0.2.1", 9)  # TEST-NET-1
results = {}

def attempt(name, action):
    try:
        action()
        results[name] = "done"
    except NetworkBlockedError:
        results[name] = "refused"
    except OSError as error:
        results[name] = f"failed: {error}"

def tcp(family=socket.AF_INET):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(0.5)
    return s

def udp():
    return socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

class Packet:  # what a raw packet socket looks like to the hook, without needing one
    family = getattr(socket, "AF_PACKET", 17)

# Off the machine: each should be refused.
attempt("connect", lambda: socket.create_connection(OUT, timeout=0.5))
attempt("connect_ex", lambda: tcp().connect_ex(OUT))
# CPython resolves a name given to connect/sendto/bind before it raises the event, so
# the hook is shown the event itself (the refusal comes after that lookup: see privacy).
attempt("connect_by_name", lambda: sys.audit("socket.connect", tcp(), ("example.org", 80)))
attempt("sendto", lambda: udp().sendto(b"x", OUT))
attempt("sendmsg", lambda: udp().sendmsg([b"x"], [], 0, OUT))
attempt("bind_any", lambda: tcp().bind(("0.0.0.0", 0)))
attempt("bind_empty", lambda: tcp().bind(("", 0)))
attempt("bind_any_ipv6", lambda: tcp(socket.AF_INET6).bind(("::", 0)))
attempt("getaddrinfo", lambda: socket.getaddrinfo("example.org", 80))
attempt("getaddrinfo_subdomain_of_localhost", lambda: socket.getaddrinfo("a.localhost", 80))
attempt("gethostbyname", lambda: socket.gethostbyname("example.org"))
attempt("gethostbyname_ex", lambda: socket.gethostbyname_ex("example.org"))
attempt("gethostbyaddr", lambda: socket.gethostbyaddr("192.0.2.1"))
attempt("getnameinfo", lambda: socket.getnameinfo(("192.0.2.1", 80), 0))
attempt("sethostname", lambda: sys.audit("socket.sethostname", "elsewhere"))
attempt("packet_socket_sendto", lambda: sys.audit("socket.sendto", Packet(), ("eth0", 0)))

# On the machine: none of these may be refused.
server = socket.create_server(("127.0.0.1", 0))
port = server.getsockname()[1]
attempt("loopback_connect", lambda: socket.create_connection(("127.0.0.1", port), timeout=2))
attempt("loopback_connect_ex", lambda: tcp().connect_ex(("127.0.0.1", port)))
attempt("localhost_connect", lambda: tcp().connect(("localhost", port)))
attempt("loopback_bind", lambda: tcp().bind(("127.0.0.1", 0)))
attempt("localhost_bind", lambda: tcp().bind(("localhost", 0)))
attempt("loopback_ipv6_bind", lambda: tcp(socket.AF_INET6).bind(("::1", 0)))
attempt("loopback_sendto", lambda: udp().sendto(b"x", ("127.0.0.1", port)))
attempt("loopback_sendmsg", lambda: udp().sendmsg([b"x"], [], 0, ("127.0.0.1", port)))
attempt("localhost_getaddrinfo", lambda: socket.getaddrinfo("localhost", 80))
attempt("localhost_gethostbyname", lambda: socket.gethostbyname("localhost"))
attempt("loopback_gethostbyaddr", lambda: socket.gethostbyaddr("127.0.0.1"))
attempt("loopback_getnameinfo", lambda: socket.getnameinfo(("127.0.0.1", 80), 0))
pair = socket.socketpair()
attempt("socketpair", lambda: pair[0].sendmsg([b"x"]))
unix_path = os.path.join(tempfile.mkdtemp(), "s")
unix_server = socket.socket(socket.AF_UNIX)
attempt("unix_bind", lambda: unix_server.bind(unix_path))
unix_server.listen()
attempt("unix_connect", lambda: socket.socket(socket.AF_UNIX).connect(unix_path))

# A download the user started: allowed on its own thread only, as before.
with privacy.network_allowed():
    attempt("allowed_gethostbyname", lambda: socket.gethostbyname("example.org"))
    attempt("allowed_connect", lambda: socket.create_connection(OUT, timeout=0.5))
    other = threading.Thread(
        target=attempt, args=("allowed_elsewhere", lambda: socket.gethostbyname("example.org"))
    )
    other.start()
    other.join()
attempt("after_download", lambda: socket.gethostbyname("example.org"))
print(json.dumps(results))
"""

REFUSED = [
    "connect",
    "connect_ex",
    "connect_by_name",
    "sendto",
    "sendmsg",
    "bind_any",
    "bind_empty",
    "bind_any_ipv6",
    "getaddrinfo",
    "getaddrinfo_subdomain_of_localhost",
    "gethostbyname",
    "gethostbyname_ex",
    "gethostbyaddr",
    "getnameinfo",
    "sethostname",
    "packet_socket_sendto",
    "allowed_elsewhere",
    "after_download",
]
ALLOWED = [
    "loopback_connect",
    "loopback_connect_ex",
    "localhost_connect",
    "loopback_bind",
    "localhost_bind",
    "loopback_ipv6_bind",
    "loopback_sendto",
    "loopback_sendmsg",
    "localhost_getaddrinfo",
    "localhost_gethostbyname",
    "loopback_gethostbyaddr",
    "loopback_getnameinfo",
    "socketpair",
    "unix_bind",
    "unix_connect",
    "allowed_gethostbyname",
    "allowed_connect",
]


def _attempts(mode: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    result = subprocess.run(
        [sys.executable, "-c", ATTEMPTS, mode],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=Path(__file__).parents[2],
    )
    assert result.returncode == 0, result.stderr
    outcome: dict[str, str] = json.loads(result.stdout)
    return outcome


@pytest.fixture(scope="module")
def guarded() -> dict[str, str]:
    return _attempts("guarded")


@pytest.mark.parametrize("name", REFUSED)
def test_the_guard_refuses_what_would_leave_the_machine(guarded: dict[str, str], name: str) -> None:
    assert guarded[name] == "refused"


@pytest.mark.parametrize("name", ALLOWED)
def test_the_guard_lets_loopback_unix_sockets_and_downloads_through(
    guarded: dict[str, str], name: str
) -> None:
    assert guarded[name] != "refused"
    if name.endswith(("_connect", "_bind", "_sendto", "_sendmsg", "socketpair")) and not (
        name == "loopback_ipv6_bind" or name.startswith("allowed")
    ):
        assert guarded[name] == "done"  # these work on any machine, networked or not


def test_without_the_guard_nothing_is_refused() -> None:
    """So each refusal above is the guard's doing, not the machine's."""
    unguarded = _attempts("unguarded")
    assert "refused" not in unguarded.values()


# The children: each real spawned target, given a pipe end that tries to reach out the
# first time the child uses it (after the target's own entry code has run).


def _run_child(
    tmp_path: Path,
    target: Callable[..., None],
    args: Callable[[Any], tuple[Any, ...]],
    talk: Callable[[Connection], None],
) -> dict[str, Any]:
    report = tmp_path / "reach.json"
    context = multiprocessing.get_context("spawn")
    conn, child_end = context.Pipe(duplex=True)
    process = context.Process(
        target=target, args=args(ProbingConnection(child_end, report)), daemon=True
    )
    process.start()
    child_end.close()
    try:
        talk(conn)
        process.join(120)
    finally:
        conn.close()
        if process.is_alive():
            process.kill()
            process.join(10)
    assert report.exists(), f"the child never used its connection (exit code {process.exitcode})"
    found: dict[str, Any] = json.loads(report.read_text())
    return found


def _read_until_closed(conn: Connection) -> None:
    while conn.poll(120):
        try:
            conn.recv_bytes()
        except EOFError:
            return


def _reader(conn: Connection) -> None:
    assert conn.poll(120)
    assert conn.recv_bytes() == b"ready"
    conn.send_bytes(b"")  # nothing more to read: the child returns


def _index(conn: Connection) -> None:
    conn.send_bytes(pickle.dumps(None))  # close the index and exit
    _read_until_closed(conn)


def _unshare_works() -> bool:
    tool = shutil.which("unshare")
    if not tool or not sys.platform.startswith("linux"):
        return False
    return subprocess.run([tool, "-rn", "true"], capture_output=True).returncode == 0


CHILDREN: dict[str, tuple[Callable[..., None], Callable[..., tuple[Any, ...]], Any, bool]] = {
    "reader": (
        sandbox._serve,
        lambda conn, tmp: (conn, ExtractionLimits()),
        _reader,
        True,
    ),
    "model-check": (
        vetting._trial,
        lambda conn, tmp: (str(tmp / "missing.gguf"), conn),
        _read_until_closed,
        True,
    ),
    "highlight": (
        highlight._serve,
        lambda conn, tmp: (conn, os.fsencode(tmp / "missing.pdf"), 1, "x", None, 2**31),
        _read_until_closed,
        True,
    ),
    "page-render": (
        page_render._serve,
        lambda conn, tmp: (conn, os.fsencode(tmp / "missing.pdf"), 1, 400, "x", None, 2**31),
        _read_until_closed,
        True,
    ),
    "index": (
        process_server.serve,
        lambda conn, tmp: (conn, app_paths().ensure(), ExtractionLimits(), ephemeral_key()),
        _index,
        False,
    ),
}


@pytest.mark.parametrize("child", list(CHILDREN))
def test_each_child_refuses_to_reach_out(tmp_path: Path, child: str) -> None:
    target, args, talk, without_network = CHILDREN[child]
    reached = _run_child(tmp_path, target, lambda conn: args(conn, tmp_path), talk)
    assert reached["lookup"] == "refused"
    assert reached["connect"] == "refused"
    if without_network and _unshare_works():
        assert reached["namespace"] != os.readlink("/proc/self/ns/net")
        assert reached["interfaces"] == ["lo"]


@pytest.mark.skipif(not _unshare_works(), reason="this machine does not allow network namespaces")
def test_doctor_measures_that_children_run_without_network() -> None:
    report = doctor._children_network()
    assert report == {
        "children_run_in_a_network_namespace": "yes",
        "children_refuse_connections": True,
    }


def test_a_child_that_cannot_leave_the_network_says_why_and_stays_guarded() -> None:
    """unshare fails once a process has threads (EINVAL); the child goes on, guarded."""
    code = (
        "import socket, threading, time\n"
        "from app.core import privacy\n"
        "threading.Thread(target=time.sleep, args=(5,), daemon=True).start()\n"
        "print(privacy.enter_child(without_network=True))\n"
        "try:\n"
        "    socket.gethostbyname('example.org')\n"
        "except PermissionError as error:\n"
        "    print('refused:', error)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env
    )
    assert result.returncode == 0, result.stderr
    reason, refused = result.stdout.splitlines()
    if sys.platform.startswith("linux"):
        assert reason == "the kernel refused it, EINVAL: the process already had threads"
    assert refused.startswith("refused: Confidente blocked a name lookup of 'example.org'")


@pytest.mark.skipif(not _unshare_works(), reason="this machine does not allow network namespaces")
def test_doctor_says_no_and_why_where_the_kernel_refuses() -> None:
    """Run where no new user namespace may be made (the limit set to 0 inside one)."""
    check = "from app.core import doctor; print(doctor._children_network())"
    script = f"echo 0 > /proc/sys/user/max_user_namespaces && {sys.executable} -c '{check}'"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    result = subprocess.run(
        ["unshare", "-r", "sh", "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=Path(__file__).parents[2],
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(
        {
            "children_run_in_a_network_namespace": "no (the kernel refused it, ENOSPC: "
            "the limit of user namespaces is reached)",
            "children_refuse_connections": True,
        }
    )
