"""Small files written so a crash leaves the old or the new one (app.core.atomic)."""

from __future__ import annotations

import json
import logging
import os
import stat
from pathlib import Path

import pytest

from app.core import atomic
from app.core.models.inventory import Inventory
from app.core.paths import app_paths
from app.core.services import Services
from app.core.settings import Settings, save_settings


def _fsynced(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Spy on os.fsync: for each call, whether it synced a file or a folder."""
    seen: list[str] = []
    real = os.fsync

    def spy(handle: int) -> None:
        seen.append("folder" if stat.S_ISDIR(os.fstat(handle).st_mode) else "file")
        real(handle)

    monkeypatch.setattr(os, "fsync", spy)
    return seen


def test_settings_are_written_with_fsync_of_the_file_and_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _fsynced(monkeypatch)
    save_settings(tmp_path / "settings.json", Settings())
    assert seen == ["file", "folder"]
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]


def test_the_model_registry_is_written_with_fsync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = tmp_path / "m.gguf"
    model.write_bytes(b"GGUF")
    seen = _fsynced(monkeypatch)
    Inventory(tmp_path).record("m", "M", model, "import")
    assert seen == ["file", "folder"]


def test_a_failed_replace_keeps_the_old_file_and_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "registry.json"
    target.write_text('{"old": true}')

    def fail(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        atomic.write_json(target, {"new": True})
    assert json.loads(target.read_text()) == {"old": True}
    assert [p.name for p in tmp_path.iterdir()] == ["registry.json"]


@pytest.mark.parametrize("content", [b"{not json", b"\xff\xfe", b'["a list"]'])
def test_an_unreadable_model_registry_is_set_aside_with_a_warning(
    confidente_home: Path, caplog: pytest.LogCaptureFixture, content: bytes
) -> None:
    registry = app_paths().ensure().models / "registry.json"
    registry.write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="confidente.models"):
        services = Services()
        services.close()
    kept = list(registry.parent.glob("registry.json.broken-*"))
    assert len(kept) == 1
    assert kept[0].read_bytes() == content
    assert not registry.exists()
    warning = [w for w in services.warnings if "could not be read" in w]
    assert len(warning) == 1
    assert kept[0].name in warning[0]
    assert kept[0].name in caplog.text


def test_recording_a_model_never_overwrites_a_broken_registry(tmp_path: Path) -> None:
    (tmp_path / "registry.json").write_text("{broken")
    model = tmp_path / "m.gguf"
    model.write_bytes(b"GGUF")
    inventory = Inventory(tmp_path)
    inventory.record("m", "M", model, "import")
    kept = list(tmp_path.glob("registry.json.broken-*"))
    assert [k.read_text() for k in kept] == ["{broken"]
    assert inventory.warnings
