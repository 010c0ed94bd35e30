"""The data key of the test's CONFIDENTE_HOME, for tests that open a store themselves.

conftest.py gives every test a stand-in keychain (there is no OS keychain on
this machine), so this is the key `Services` would use in the same test.
"""

from __future__ import annotations

from pathlib import Path

from app.core import sql
from app.core.data_key import DataKey, unlock
from app.core.paths import app_paths


def home_key(home: Path | None = None) -> DataKey:
    """The key of the test's home, or of another CONFIDENTE_HOME folder `home`."""
    environ = None if home is None else {"CONFIDENTE_HOME": str(home)}
    return unlock(app_paths(environ).ensure())


def open_encrypted(path: Path) -> sql.Connection:
    """A raw connection to an encrypted store of this test's home, to look inside it."""
    db = sql.connect(path)
    db.execute(f"PRAGMA key = {home_key().sql_literal()}")
    return db
