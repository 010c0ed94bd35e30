"""The proof that nothing leaves the machine: the real app, run outside pytest, under strace.

The CLI (add, search, ask, chat) and the window on a real X server (Xvfb, Qt's xcb
platform: `--self-test` chats and indexes a PDF) run as subprocesses under
`strace -f`, which follows them into the children they spawn and sees native code
too. Every connect, send and bind must go to a Unix socket, netlink or loopback;
no DNS at all (tests/strace_trace.py says exactly what passes). A negative control
shows that the same wrapper and parser do catch a real connection and a DNS query.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.resources import resources_dir
from app.gui.self_test import SAMPLE_PHRASE, SAMPLE_QUERY
from app.gui.xcb_check import XCB_LIBRARIES
from tests.cli.test_cli import CLI, _env
from tests.strace_trace import MISSING_STRACE, Trace, parse_trace, read_trace, strace_command
from tests.xvfb import xvfb

SAMPLE_PDF = resources_dir() / "sample" / "confidente-sample.pdf"
MAX_TOKENS = "8"
TIMEOUT_S = 240
# One line of each shape strace writes, and each kind of address (made up, not recorded).
SHAPES = Path(__file__).parent / "data" / "strace" / "shapes.strace"


@pytest.fixture
def strace_or_fail() -> None:
    """A missing strace fails the test: a skipped proof is no proof."""
    if shutil.which("strace") is None:
        pytest.fail(MISSING_STRACE)


@pytest.fixture
def display() -> Iterator[str]:
    """A private X server (Xvfb) that listens on no TCP port."""
    if shutil.which("Xvfb") is None:
        pytest.fail("Xvfb is not installed: run `make test-deps`.")
    with xvfb() as display:
        yield display


def _traced(
    args: list[str], output: Path, env: dict[str, str], stdin: str | None = None
) -> tuple[subprocess.CompletedProcess[str], Trace]:
    """Run `args` under strace; it must exit 0. Returns its result and what strace saw."""
    result = subprocess.run(
        [*strace_command(output), *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )
    assert result.returncode == 0, f"{args} exited {result.returncode}:\n{result.stderr}"
    assert output.is_file(), f"strace wrote no trace for {args}: {result.stderr}"
    trace = read_trace(output)
    # strace followed the command from its start: its exec is the first thing it saw.
    first = next(iter(trace.execs.values()), [])
    assert first[:1] == [args[0]], f"strace did not see {args} start: {output.read_text()[:2000]}"
    return result, trace


def _assert_nothing_left(traces: dict[str, Trace]) -> None:
    violations = [f"{step}: {v}" for step, trace in traces.items() for v in trace.violations()]
    summary = "\n".join(f"{step}: {trace.summary()}" for step, trace in traces.items())
    print(summary)  # what strace saw, with `pytest -s`
    assert violations == [], "\n".join(violations) + "\n" + summary


def _spawned_children(trace: Trace) -> list[int]:
    """Processes exec'd by multiprocessing's spawn (the app's sandboxed children)."""
    return [
        pid
        for pid, argv in trace.execs.items()
        if any("multiprocessing" in a for a in argv) or "--multiprocessing-fork" in argv
    ]


@pytest.mark.usefixtures("strace_or_fail")
def test_cli_add_search_ask_chat_stay_on_the_machine(
    confidente_home: Path, installed_starter: Path, tmp_path: Path
) -> None:
    env = _env(confidente_home)
    traces: dict[str, Trace] = {}

    added, traces["add"] = _traced(
        [*CLI, "add", str(SAMPLE_PDF), "--json"], tmp_path / "add.strace", env
    )
    assert json.loads(added.stdout)["counts"]["indexed"] == 1, added.stdout

    found, traces["search"] = _traced(
        [*CLI, "search", SAMPLE_QUERY, "--json", "-k", "1"], tmp_path / "search.strace", env
    )
    assert SAMPLE_PHRASE in json.loads(found.stdout)[0]["text"], found.stdout

    asked, traces["ask"] = _traced(
        [*CLI, "ask", SAMPLE_QUERY, "--json", "--max-tokens", MAX_TOKENS],
        tmp_path / "ask.strace",
        env,
    )
    answer = json.loads(asked.stdout)
    assert answer["answer"].strip(), asked.stdout
    assert answer["sources"], asked.stdout

    chatted, traces["chat"] = _traced(
        [*CLI, "chat", "--max-tokens", MAX_TOKENS],
        tmp_path / "chat.strace",
        env,
        stdin="Say hello.\n/exit\n",
    )
    assert "confidente> " in chatted.stdout, chatted.stdout

    # strace followed the app into the children it spawns (the sandboxed reader)...
    assert _spawned_children(traces["add"]), traces["add"].execs
    # ...and saw their network calls: the Unix socket pairs that talk to them.
    families = sum((t.socket_families() for t in traces.values()), start=Counter())
    assert families["AF_UNIX"] >= 1, families
    _assert_nothing_left(traces)


@pytest.mark.usefixtures("strace_or_fail")
def test_window_on_a_real_x_server_stays_on_the_machine(
    confidente_home: Path, installed_starter: Path, tmp_path: Path, display: str
) -> None:
    """`--self-test` on Xvfb: the window opens, answers a prompt, indexes and searches a PDF."""
    env = _env(confidente_home)
    for name in ("WAYLAND_DISPLAY", "XAUTHORITY"):
        env.pop(name, None)
    env.update(QT_QPA_PLATFORM="xcb", DISPLAY=display)
    result, trace = _traced([*CLI, "--self-test"], tmp_path / "window.strace", env)
    assert "self-test passed" in result.stdout, result.stdout + result.stderr
    # The window really went to the X server, over its Unix socket, and strace saw it.
    x_socket = f".X11-unix/X{display.lstrip(':')}"
    connected = [str(a) for c in trace.named("connect") for a in c.addresses]
    assert any(x_socket in peer for peer in connected), connected
    _assert_nothing_left({"window": trace})


# Not the app (so no network guard): a connection out and a DNS query, the second
# one from a child process, to show that strace follows children.
NEGATIVE_CONTROL = """
import socket, subprocess, sys
try:
    socket.create_connection(("10.255.255.1", 9), timeout=0.5).close()
except OSError:
    pass
subprocess.run([sys.executable, "-c", '''
import socket
try:
    socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("192.0.2.1", 53))
except OSError:
    pass
'''], check=True)
"""


@pytest.mark.usefixtures("strace_or_fail")
def test_the_trace_catches_a_connection_out_and_a_dns_query(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    _, trace = _traced([sys.executable, "-c", NEGATIVE_CONTROL], tmp_path / "control.strace", env)
    violations = trace.violations()
    assert len(violations) == 2, violations
    connection, dns = violations
    assert "connect(" in connection
    assert "10.255.255.1 is not a loopback address" in connection
    assert "sendto(" in dns
    assert "DNS" in dns
    assert "192.0.2.1" in dns
    assert len(trace.execs) == 2  # the child was followed


def test_the_parser_reads_every_shape_strace_writes() -> None:
    trace = read_trace(SHAPES)
    assert trace.execs == {10: ["/usr/bin/python3", "python3", "-c", "x"], 15: []}
    problems = trace.violations()
    assert [p.split(": [pid", 1)[0] for p in problems] == [
        "2001:db8::1 is not a loopback address",
        "a DNS query (port 53)",  # even to a local stub resolver: it forwards the query
        "a name lookup through systemd-resolved (DNS)",
        "0.0.0.0 is not a loopback address",  # listening on every interface
        "connect to an address strace could not decode",
        "an io_uring, which can connect and send unseen by strace",
    ]
    assert trace.socket_families() == {"AF_INET6": 1}
    assert trace.pids == {10, 11, 12, 13, 14, 15}
    with pytest.raises(ValueError, match="not a system call"):
        parse_trace("10  what is this\n")
    with pytest.raises(ValueError, match="never started"):
        parse_trace("10  <... connect resumed>) = 0\n")


def test_make_test_deps_installs_what_the_proof_needs() -> None:
    """`make test-deps` installs strace, Xvfb and every package Qt's xcb platform needs."""
    makefile = (Path(__file__).parents[1] / "Makefile").read_text("utf-8")
    listed = re.search(r"^TEST_DEPS := ((?:.*\\\n)*.*)$", makefile, re.MULTILINE)
    assert listed, "no TEST_DEPS in the Makefile"
    packages = {p.strip(" \\\t\n") for p in listed[1].split(",")}
    assert packages >= {"strace", "xvfb", "xauth", *XCB_LIBRARIES.values()}
    assert re.search(r"^pytest: .*\btest-deps\b", makefile, re.MULTILINE)
