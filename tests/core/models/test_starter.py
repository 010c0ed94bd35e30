"""The starter model is assembled once, verified, and rebuilt when damaged."""

from __future__ import annotations

import os
from pathlib import Path

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
