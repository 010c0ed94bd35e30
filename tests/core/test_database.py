"""Opening and upgrading one SQLite file (app.core.database)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.core.database import Database, Schema
from app.core.errors import StorageError

_V1 = "CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, text TEXT);"


def _schema(version: int, upgrades: dict[int, str], script: str = _V1) -> Schema:
    return Schema(
        script=script,
        version=version,
        upgrades=upgrades,
        marker_table="notes",
        label="the test file",
        remedy="move it away.",
    )


def _version_and_rows(path: Path) -> tuple[int, list[tuple[object, ...]]]:
    db = sqlite3.connect(path)
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        return version, db.execute("SELECT * FROM notes").fetchall()
    finally:
        db.close()


def test_a_failed_upgrade_step_leaves_the_file_at_its_old_version(tmp_path: Path) -> None:
    path = tmp_path / "test.sqlite3"
    db = Database(path, _schema(1, {}))
    with db.transaction() as conn:
        conn.execute("INSERT INTO notes (text) VALUES ('kept')")
    db.close()
    before = _version_and_rows(path)

    upgrades = {
        1: "ALTER TABLE notes ADD COLUMN tag TEXT",  # works
        2: "ALTER TABLE no_such_table ADD COLUMN x TEXT",  # fails after the first step
    }
    with pytest.raises(StorageError, match="cannot be opened"):
        Database(path, _schema(3, upgrades))

    assert before == (1, [(1, "kept")])
    assert _version_and_rows(path) == before  # no half-upgraded file: the tag column is gone
    again = Database(path, _schema(1, {}))  # and it still opens as it was
    with again.transaction() as conn:
        assert conn.execute("SELECT text FROM notes").fetchall() == [("kept",)]
    again.close()


def test_upgrades_apply_in_order(tmp_path: Path) -> None:
    path = tmp_path / "test.sqlite3"
    Database(path, _schema(1, {})).close()
    upgrades = {1: "ALTER TABLE notes ADD COLUMN tag TEXT", 2: "CREATE TABLE extra (x)"}
    Database(path, _schema(3, upgrades)).close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 3
    assert db.execute("SELECT tag FROM notes").fetchall() == []
    assert db.execute("SELECT x FROM extra").fetchall() == []
    db.close()
