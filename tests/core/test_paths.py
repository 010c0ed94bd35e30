"""The app's folders and everything in them are the user's alone."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from app.core.paths import app_paths
from app.core.services import Services


@pytest.fixture
def restore_umask() -> object:
    previous = os.umask(0o022)
    os.umask(previous)
    yield
    os.umask(previous)


def _modes(home: Path) -> dict[str, int]:
    return {
        str(path.relative_to(home)): stat.S_IMODE(path.lstat().st_mode)
        for path in home.rglob("*")
        if not path.is_symlink()
    }


@pytest.mark.usefixtures("restore_umask")
def test_everything_under_the_home_is_owner_only_after_the_services_start(
    confidente_home: Path, tmp_path: Path
) -> None:
    os.umask(0o022)
    paths = app_paths()
    old_folder = paths.data / "from-an-older-version"
    old_folder.mkdir(parents=True, mode=0o755)
    (old_folder / "notes.json").write_text("{}")
    (old_folder / "notes.json").chmod(0o644)
    outside = tmp_path / "outside.txt"
    outside.write_text("not ours")
    outside.chmod(0o644)
    (paths.data / "link-out").symlink_to(outside)

    services = Services()
    try:
        services.update_settings(temperature=0.5)  # writes settings.json
        services.store.create_conversation("hello")  # writes the SQLite file and its WAL
        modes = _modes(confidente_home)  # while the database is open: -wal and -shm too
    finally:
        services.close()

    assert "config/settings.json" in modes
    assert {"data/conversations.sqlite3-wal", "data/conversations.sqlite3-shm"} <= set(modes)
    for name, mode in modes.items():
        wanted = 0o700 if (confidente_home / name).is_dir() else 0o600
        assert mode & ~wanted == 0, f"{name}: {oct(mode)}"
    assert stat.S_IMODE(outside.stat().st_mode) == 0o644  # a link's target is not ours


@pytest.mark.usefixtures("restore_umask")
def test_files_created_later_are_owner_only(confidente_home: Path) -> None:
    os.umask(0o022)
    paths = app_paths().ensure()
    created = paths.cache / "later" / "file.bin"
    created.parent.mkdir()
    created.write_bytes(b"x")
    assert stat.S_IMODE(created.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(created.stat().st_mode) == 0o600
