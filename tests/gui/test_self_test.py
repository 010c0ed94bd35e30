"""`confidente --self-test`, run as the user (or a package's smoke test) would: a subprocess."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.cli.test_cli import CLI, _env, _unshare_works

STEPS = (
    "open the window",
    "load the starter model",
    "answer one prompt",
    "index the sample PDF",
    "find a passage in the sample PDF",
)


def _self_test(
    home: Path, prefix: tuple[str, ...] = (), **extra: str
) -> subprocess.CompletedProcess[str]:
    env = _env(home)
    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):  # offscreen by itself
        env.pop(name, None)
    env.update(extra)
    return subprocess.run(
        [*prefix, *CLI, "--self-test"], env=env, capture_output=True, text=True, timeout=280
    )


def _passed(result: subprocess.CompletedProcess[str], home: Path) -> None:
    assert result.returncode == 0, result.stdout + result.stderr
    for step in STEPS:
        assert f"self-test: {step}: ok" in result.stdout
    assert "self-test passed" in result.stdout
    # Its data, settings and index lived in a temporary folder, not the user's.
    assert not (home / "data" / "conversations.sqlite3").exists()
    assert not (home / "config" / "settings.json").exists()
    assert not any((home / "data").iterdir())


def test_self_test_passes_end_to_end(confidente_home: Path, installed_starter: Path) -> None:
    _passed(_self_test(confidente_home), confidente_home)


@pytest.mark.skipif(not _unshare_works(), reason="this machine does not allow network namespaces")
def test_self_test_passes_with_networking_cut(
    confidente_home: Path, installed_starter: Path
) -> None:
    _passed(_self_test(confidente_home, ("unshare", "-rn")), confidente_home)


def test_a_failed_step_is_named_and_exits_non_zero(
    confidente_home: Path, installed_starter: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-sample.pdf"
    result = _self_test(confidente_home, CONFIDENTE_SELF_TEST_SAMPLE=str(missing))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "self-test: answer one prompt: ok" in result.stdout  # the steps before it ran
    assert "self-test failed at step “index the sample PDF”" in result.stderr
    assert str(missing) in result.stderr
    assert "self-test passed" not in result.stdout
