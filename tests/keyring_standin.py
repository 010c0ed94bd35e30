"""A keyring backend for tests: there is no OS keychain (Secret Service) on this machine.

It keeps passwords in a JSON file named by `CONFIDENTE_TEST_KEYRING`, so a
CLI subprocess and the test can share it, or in memory when that is unset.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class StandInKeyring(KeyringBackend):
    priority: float = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._memory: dict[str, str] = {}

    def _file(self) -> Path | None:
        name = os.environ.get("CONFIDENTE_TEST_KEYRING")
        return Path(name) if name else None

    def _load(self) -> dict[str, str]:
        path = self._file()
        if path is None:
            return self._memory
        try:
            data: dict[str, str] = json.loads(path.read_text())
        except (OSError, ValueError):
            return {}
        return data

    def _save(self, data: dict[str, str]) -> None:
        path = self._file()
        if path is None:
            self._memory = data
        else:
            path.write_text(json.dumps(data))

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}/{username}"] = password
        self._save(data)

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        if data.pop(f"{service}/{username}", None) is None:
            raise PasswordDeleteError("not stored")
        self._save(data)
