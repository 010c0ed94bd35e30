"""With no keychain, the CLI opens the encrypted data with a passphrase: from an
owner-only file for scripts, or typed on a terminal; never without one."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import time
from pathlib import Path

import pytest

CLI = [sys.executable, "-m", "app"]
PASSPHRASE = "la marea sube a las siete"


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.pop("CONFIDENTE_PASSPHRASE_FILE", None)
    env["CONFIDENTE_HOME"] = str(home)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"  # no keychain at all
    env.update(extra)
    return env


def _run(home: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args],
        env=_env(home, **extra),
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def _passphrase_file(folder: Path, text: str) -> Path:
    path = folder / f"passphrase-{len(list(folder.glob('passphrase-*')))}.txt"
    path.write_text(text + "\n", "utf-8")
    path.chmod(0o600)
    return path


def test_a_script_uses_the_passphrase_file_and_a_wrong_one_is_refused(
    confidente_home: Path, tmp_path: Path
) -> None:
    right = str(_passphrase_file(tmp_path, PASSPHRASE))
    first = _run(confidente_home, "conversations", CONFIDENTE_PASSPHRASE_FILE=right)
    assert first.returncode == 0, first.stderr
    catalog = confidente_home / "data" / "conversations.sqlite3"
    before = catalog.read_bytes()

    wrong = str(_passphrase_file(tmp_path, "not the passphrase at all"))
    refused = _run(confidente_home, "conversations", CONFIDENTE_PASSPHRASE_FILE=wrong)
    assert refused.returncode == 1
    assert "does not open your data" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert catalog.read_bytes() == before

    nobody = _run(confidente_home, "conversations")  # no file, no terminal to ask on
    assert nobody.returncode == 1
    assert "CONFIDENTE_PASSPHRASE_FILE" in nobody.stderr
    assert "Traceback" not in nobody.stderr

    again = _run(confidente_home, "conversations", CONFIDENTE_PASSPHRASE_FILE=right)
    assert again.returncode == 0, again.stderr


def _read_until(fd: int, wanted: bytes, seen: bytearray, start: int, timeout: float = 60) -> int:
    """Read the terminal until `wanted` shows after `start`; where it ends."""
    deadline = time.monotonic() + timeout
    while seen.find(wanted, start) < 0:
        if time.monotonic() > deadline:
            raise AssertionError(f"no {wanted!r} on the terminal; it showed {bytes(seen)!r}")
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            chunk = b""
        if not chunk:
            raise AssertionError(f"the terminal closed before {wanted!r}: {bytes(seen)!r}")
        seen.extend(chunk)
    return seen.find(wanted, start) + len(wanted)


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal is POSIX")
def test_on_a_terminal_the_passphrase_is_chosen_twice_then_asked(confidente_home: Path) -> None:
    def on_terminal(answers: list[bytes], prompts: list[bytes]) -> tuple[int, bytes]:
        pid, fd = pty.fork()
        if pid == 0:  # the child: the CLI, with the pseudo-terminal as its own
            os.execve(CLI[0], [*CLI, "conversations"], _env(confidente_home))
        seen = bytearray()
        at = 0
        for prompt, answer in zip(prompts, answers, strict=True):
            at = _read_until(fd, prompt, seen, at)
            # Only once the prompt shows: getpass discards what was typed before it.
            os.write(fd, answer + b"\n")
        with_output = bytearray(seen)
        try:
            while chunk := os.read(fd, 4096):
                with_output.extend(chunk)
        except OSError:  # the child closed the terminal
            pass
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status), bytes(with_output)

    secret = PASSPHRASE.encode()
    code, shown = on_terminal(
        [secret, b"a typo", secret, secret],
        [b"New passphrase:", b"again:", b"New passphrase:", b"again:"],
    )
    assert code == 0, shown
    assert b"there is no OS keychain" in shown
    assert b"differ" in shown
    assert secret not in shown  # never echoed

    code, shown = on_terminal([b"wrong passphrase", secret], [b"Passphrase for", b"Passphrase for"])
    assert code == 0, shown
    assert b"does not open your data" in shown
