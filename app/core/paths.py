"""Where Confidente keeps its files.

Platform folders by default (platformdirs); `CONFIDENTE_HOME` moves every path
under one folder, for tests and portable installs.

Everything in these folders is the user's alone: `AppPaths.ensure()`, the one
place every front end prepares its paths, sets the process umask to 0o077 (so
every folder, SQLite file with its -wal/-shm/-journal companions, index and
download the app or its libraries create afterwards is owner-only, in this
process and in the child processes it starts) and tightens what an older
Confidente left readable by others to 0700 folders and 0600 files. The umask is
process-wide on purpose: this app writes nothing meant to be shared (an
exported conversation, too, is the user's alone until they share it).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "Confidente"
PRIVATE_UMASK = 0o077
HOME_VARIABLE = "CONFIDENTE_HOME"


@dataclass(frozen=True)
class AppPaths:
    data: Path
    config: Path
    models: Path
    cache: Path

    @property
    def settings_file(self) -> Path:
        return self.config / "settings.json"

    @property
    def conversations_db(self) -> Path:
        return self.data / "conversations.sqlite3"

    def ensure(self) -> AppPaths:
        """Create the folders owner-only and make everything already in them owner-only."""
        os.umask(PRIVATE_UMASK)
        for folder in (self.data, self.config, self.models, self.cache):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        for folder in self._folders():
            _make_private(folder)
        return self

    def _folders(self) -> Iterator[Path]:
        """Each top folder once (on most platforms the models folder is inside the data one)."""
        folders = (self.data, self.config, self.models, self.cache)
        for folder in dict.fromkeys(folders):
            if not any(other != folder and folder.is_relative_to(other) for other in folders):
                yield folder


def _make_private(folder: Path) -> None:
    """Drop group and other permissions below `folder`; links are neither followed nor changed."""
    _tighten(folder)
    for root, folders, files in os.walk(folder):
        for name in (*folders, *files):
            _tighten(Path(root, name))


def _tighten(path: Path) -> None:
    try:
        mode = path.lstat().st_mode
        if not stat.S_ISLNK(mode) and mode & 0o077:
            path.chmod(stat.S_IMODE(mode) & ~0o077)
    except OSError:
        pass  # vanished or not ours: nothing to tighten


def app_paths(environ: Mapping[str, str] | None = None) -> AppPaths:
    env = os.environ if environ is None else environ
    home = env.get(HOME_VARIABLE, "").strip()
    if home:
        base = Path(home).expanduser().resolve()
        return AppPaths(
            data=base / "data", config=base / "config", models=base / "models", cache=base / "cache"
        )
    data = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    return AppPaths(
        data=data,
        config=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
        models=data / "models",
        cache=Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
    )
