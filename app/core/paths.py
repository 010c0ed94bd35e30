"""Where Confidente keeps its files.

Platform folders by default (platformdirs); `CONFIDENTE_HOME` moves every path
under one folder, for tests and portable installs.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "Confidente"
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
        for folder in (self.data, self.config, self.models, self.cache):
            folder.mkdir(parents=True, exist_ok=True)
        return self


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
