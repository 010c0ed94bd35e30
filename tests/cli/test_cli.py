"""The `confidente` command, run as a real subprocess outside pytest."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

CLI = [sys.executable, "-m", "app"]


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env["CONFIDENTE_HOME"] = str(home)
    return env


def _run(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], env=_env(home), capture_output=True, text=True, timeout=120
    )


def test_one_message_answers_and_exits(confidente_home: Path, starter_model: Path) -> None:
    result = _run(["chat", "--model", str(starter_model), "Say hello."], confidente_home)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert "Traceback" not in result.stderr


def test_json_answer_has_the_documented_shape(confidente_home: Path, starter_model: Path) -> None:
    result = _run(
        ["chat", "--json", "--model", str(starter_model), "--max-tokens", "16", "Hi"],
        confidente_home,
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)  # exactly one JSON document on stdout
    assert set(document) >= {"answer", "model", "timings", "conversation_id"}
    assert document["model"] == "Gemma 3 270m"
    assert document["timings"]["generated_tokens"] >= 1
    listed = json.loads(_run(["conversations", "--json"], confidente_home).stdout)
    assert [c["id"] for c in listed] == [document["conversation_id"]]


def test_starter_model_is_assembled_on_first_use(confidente_home: Path) -> None:
    result = _run(["chat", "--json", "--max-tokens", "8", "Hi"], confidente_home)
    assert result.returncode == 0, result.stderr
    assert (confidente_home / "models" / "gemma-3-270m-q4_k_m.gguf").is_file()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p, "not found"),
        (lambda p: (p.write_bytes(b"<html>not a model</html>" * 50), p)[1], "not a valid GGUF"),
        (lambda p: (p.write_bytes(b""), p)[1], "truncated"),
    ],
    ids=["missing", "not-gguf", "empty"],
)
def test_bad_model_file_gives_a_clear_error(
    confidente_home: Path, tmp_path: Path, make: Callable[[Path], Path], message: str
) -> None:
    model = make(tmp_path / "model.gguf")
    result = _run(["chat", "--model", str(model), "Hi"], confidente_home)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_truncated_model_gives_a_clear_error(
    confidente_home: Path, tmp_path: Path, starter_model: Path
) -> None:
    partial = tmp_path / "partial.gguf"
    with starter_model.open("rb") as source:
        partial.write_bytes(source.read(30_000_000))
    result = _run(["chat", "--model", str(partial), "Hi"], confidente_home)
    assert result.returncode == 1
    assert "truncated or incomplete" in result.stderr


def test_doctor_reports_build_models_and_privacy(
    confidente_home: Path, starter_model: Path
) -> None:
    _run(["models", "starter"], confidente_home)
    _run(["conversations"], confidente_home)  # opens the stores: the data key is made
    result = _run(["doctor", "--json"], confidente_home)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["encryption"]["conversations_and_documents"] == "SQLCipher 4, AES-256"
    assert report["encryption"]["key"] == "a random key in the OS keychain"  # the stand-in
    assert report["llama_cpp"]["gpu_offload_available"] in (True, False)
    if not report["llama_cpp"]["gpu_offload_available"]:  # a CPU build, as on this machine
        assert report["llama_cpp"]["gpu_layers"] == 0
        assert report["llama_cpp"]["runs_on"] == "CPU"
    assert report["cpu"]["threads"] >= 1
    assert set(report["keychain"]) == {"backend", "hugging_face_token_stored"}
    assert report["models"][0]["checksum"] == "SHA-256 verified"
    assert report["network"]["connections_refused_by_guard"] is True
    assert report["network"]["telemetry_disabled"] is True
    assert report["network"]["listening_sockets"] == []
    assert report["paths"]["data"].startswith(str(confidente_home))
    assert report["documents"]["embedding_model"]["ok"] is True
    assert report["documents"]["libraries"] == []


def test_help_works_without_loading_anything(confidente_home: Path) -> None:
    # That no heavy library is imported for it is checked in test_architecture.
    result = _run(["--help"], confidente_home)
    assert result.returncode == 0
    assert "chat" in result.stdout
    assert not (confidente_home / "models").exists()


def test_network_guard_refuses_outside_connections() -> None:
    code = (
        "import socket\n"
        "from app.core import privacy\n"
        "privacy.install_network_guard()\n"
        "srv = socket.create_server(('127.0.0.1', 0)); port = srv.getsockname()[1]\n"
        "socket.create_connection(('127.0.0.1', port), timeout=2).close()\n"
        "try:\n"
        "    socket.create_connection(('93.184.215.14', 80), timeout=2)\n"
        "except PermissionError as exc:\n"
        "    print('refused:', exc)\n"
        "with privacy.network_allowed():\n"
        "    try:\n"
        "        socket.getaddrinfo('example.org', 80)\n"
        "    except OSError:\n"
        "        pass\n"
        "    print('allowed inside a download')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert "refused: Confidente blocked a network connection" in result.stdout, result.stderr
    assert "allowed inside a download" in result.stdout


def _unshare_works() -> bool:
    tool = shutil.which("unshare")
    return bool(tool) and subprocess.run([tool, "-rn", "true"], capture_output=True).returncode == 0  # type: ignore[list-item]


@pytest.mark.skipif(not _unshare_works(), reason="this machine does not allow network namespaces")
def test_chat_answers_with_networking_cut(confidente_home: Path, starter_model: Path) -> None:
    """The real CLI, outside pytest (dependencies that mute telemetry under pytest
    don't), in a network namespace with nothing but loopback."""
    result = subprocess.run(
        ["unshare", "-rn", *CLI, "chat", "--json", "--max-tokens", "16", "What is two plus two?"],
        env=_env(confidente_home),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["answer"].strip()


def test_interactive_ctrl_c_stops_the_answer_not_the_program(
    confidente_home: Path, starter_model: Path
) -> None:
    proc = subprocess.Popen(
        [*CLI, "chat", "--model", str(starter_model), "--max-tokens", "400"],
        env=_env(confidente_home),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdin
        assert proc.stdout
        stdout = proc.stdout
        output: list[str] = []
        reader = threading.Thread(target=lambda: output.extend(iter(lambda: stdout.read(1), "")))
        reader.start()
        proc.stdin.write("Write a long story about a dragon.\n")
        proc.stdin.flush()
        deadline = time.monotonic() + 60
        while (
            "confidente> " not in "".join(output)
            or len("".join(output).split("confidente> ", 1)[1]) < 5
        ):
            assert time.monotonic() < deadline, "no answer started"
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        deadline = time.monotonic() + 30
        while "[stopped]" not in "".join(output):
            assert time.monotonic() < deadline, f"answer did not stop: {''.join(output)!r}"
            time.sleep(0.05)
        proc.stdin.write("Name a colour.\n/exit\n")
        proc.stdin.close()
        assert proc.wait(60) == 0
        reader.join(10)
    finally:
        if proc.poll() is None:  # a failed check must not leave the chat running
            proc.kill()
            proc.wait(10)
    assert "".join(output).count("confidente> ") == 2, "the program went on after Ctrl-C"
