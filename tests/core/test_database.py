"""Opening, encrypting and upgrading one SQLite file (app.core.database)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.core import sql
from app.core.data_key import DataKey
from app.core.database import PLAIN_HEADER, Database, Schema, encrypt_plain_file
from app.core.errors import StorageError

KEY = DataKey(bytes(range(32)), "keychain")
OTHER_KEY = DataKey(bytes(range(1, 33)), "keychain")

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


def _open(path: Path, key: DataKey = KEY) -> sql.Connection:
    db = sql.connect(path)
    db.execute(f"PRAGMA key = {key.sql_literal()}")
    return db


def _version_and_rows(path: Path) -> tuple[int, list[tuple[object, ...]]]:
    db = _open(path)
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        return version, db.execute("SELECT * FROM notes").fetchall()
    finally:
        db.close()


def test_a_failed_upgrade_step_leaves_the_file_at_its_old_version(tmp_path: Path) -> None:
    path = tmp_path / "test.sqlite3"
    db = Database(path, _schema(1, {}), KEY)
    with db.transaction() as conn:
        conn.execute("INSERT INTO notes (text) VALUES ('kept')")
    db.close()
    before = _version_and_rows(path)

    upgrades = {
        1: "ALTER TABLE notes ADD COLUMN tag TEXT",  # works
        2: "ALTER TABLE no_such_table ADD COLUMN x TEXT",  # fails after the first step
    }
    with pytest.raises(StorageError, match="cannot be opened"):
        Database(path, _schema(3, upgrades), KEY)

    assert before == (1, [(1, "kept")])
    assert _version_and_rows(path) == before  # no half-upgraded file: the tag column is gone
    again = Database(path, _schema(1, {}), KEY)  # and it still opens as it was
    with again.transaction() as conn:
        assert conn.execute("SELECT text FROM notes").fetchall() == [("kept",)]
    again.close()


def test_upgrades_apply_in_order(tmp_path: Path) -> None:
    path = tmp_path / "test.sqlite3"
    Database(path, _schema(1, {}), KEY).close()
    upgrades = {1: "ALTER TABLE notes ADD COLUMN tag TEXT", 2: "CREATE TABLE extra (x)"}
    Database(path, _schema(3, upgrades), KEY).close()
    db = _open(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 3
    assert db.execute("SELECT tag FROM notes").fetchall() == []
    assert db.execute("SELECT x FROM extra").fetchall() == []
    db.close()


def _plain_file(path: Path, version: int = 1) -> None:
    """A store as a Confidente before encryption left it: plain SQLite, in WAL mode."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute(_V1)
    db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS notes_fts USING fts5(text)")
    db.execute("INSERT INTO notes (text) VALUES ('the plaintext canary of the lagoon')")
    db.execute("INSERT INTO notes_fts (text) VALUES ('the plaintext canary of the lagoon')")
    db.execute(f"PRAGMA user_version = {version}")
    db.close()


def _all_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def test_a_new_file_is_encrypted_and_the_wrong_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "test.sqlite3"
    db = Database(path, _schema(1, {}), KEY)
    with db.transaction() as conn:
        conn.execute("INSERT INTO notes (text) VALUES ('a secret about the lagoon')")
    assert b"lagoon" not in _all_bytes(tmp_path)  # the WAL too, before any checkpoint
    db.close()
    assert not path.read_bytes().startswith(PLAIN_HEADER)
    assert b"lagoon" not in _all_bytes(tmp_path)
    with pytest.raises(sqlite3.DatabaseError):  # not even plain SQLite can read it
        sqlite3.connect(path).execute("SELECT * FROM notes").fetchall()
    before = path.read_bytes()
    with pytest.raises(StorageError, match=r"cannot be opened.*left untouched"):
        Database(path, _schema(1, {}), OTHER_KEY)
    assert path.read_bytes() == before


def test_a_plain_file_is_encrypted_on_first_open_and_the_plain_one_is_gone(
    tmp_path: Path,
) -> None:
    path = tmp_path / "test.sqlite3"
    _plain_file(path, version=1)
    assert b"canary" in _all_bytes(tmp_path)
    upgrades = {1: "ALTER TABLE notes ADD COLUMN tag TEXT"}
    db = Database(path, _schema(2, upgrades), KEY)  # migrated, then upgraded
    with db.transaction() as conn:
        assert conn.execute("SELECT text, tag FROM notes").fetchall() == [
            ("the plaintext canary of the lagoon", None)
        ]
        found = conn.execute("SELECT text FROM notes_fts WHERE notes_fts MATCH 'lagoon'")
        assert found.fetchall() == [("the plaintext canary of the lagoon",)]
    db.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["test.sqlite3"]
    assert b"canary" not in _all_bytes(tmp_path)
    assert _version_and_rows(path)[0] == 2


def test_an_interrupted_migration_is_finished_on_the_next_open(tmp_path: Path) -> None:
    path = tmp_path / "test.sqlite3"
    _plain_file(path)
    aside = tmp_path / "test.sqlite3.plain-old"
    # Killed after moving the plain file aside, before the encrypted copy took its name.
    path.rename(aside)
    (tmp_path / "test.sqlite3.encrypting").write_bytes(b"half a copy")
    encrypt_plain_file(path, KEY)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["test.sqlite3"]
    assert _version_and_rows(path) == (1, [(1, "the plaintext canary of the lagoon")])

    # Killed after the swap, before the plain file was wiped.
    _plain_file(aside)
    encrypt_plain_file(path, KEY)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["test.sqlite3"]
    assert b"canary" not in _all_bytes(tmp_path)
