"""One SQLite file, opened the way every store in Confidente opens it.

A single connection serves every thread, guarded by a lock; each unit of work
is one short `BEGIN IMMEDIATE` transaction. The schema carries a version in
`user_version`: a file from a newer Confidente is refused, an older one is
upgraded step by step, all steps in one transaction (a failure keeps the old
version). A file that SQLite cannot read is left untouched and reported with
what to do, never overwritten.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from app.core.errors import StorageError


@dataclass(frozen=True)
class Schema:
    script: str  # CREATE ... IF NOT EXISTS statements for the current version
    version: int
    upgrades: Mapping[int, str]  # version N -> the SQL that makes it N + 1
    marker_table: str  # a table whose presence means the file already has a schema
    label: str  # "the conversation file", for messages
    remedy: str  # what the user can do when the file cannot be opened


class Database:
    def __init__(self, path: Path, schema: Schema, pragmas: Sequence[str] = ()) -> None:
        self.path = path
        self._label = schema.label
        self._lock = threading.RLock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            for pragma in ("foreign_keys = ON", "journal_mode = WAL", *pragmas):
                self._db.execute(f"PRAGMA {pragma}")
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > schema.version:
                raise StorageError(
                    f"{schema.label.capitalize()} {path} was written by a newer Confidente; "
                    "update Confidente to open it."
                )
            has_schema = self._db.execute(
                "SELECT count(*) FROM sqlite_master WHERE name = ?", (schema.marker_table,)
            ).fetchone()[0]
            steps = range(max(version, 1), schema.version) if has_schema else range(0)
            self._prepare([schema.upgrades[step] for step in steps], schema)
        except sqlite3.DatabaseError as exc:
            self._close_quietly()
            raise StorageError(
                f"{schema.label.capitalize()} {path} cannot be opened ({exc}). "
                f"It was left untouched; {schema.remedy}",
            ) from exc

    def _prepare(self, upgrades: Sequence[str], schema: Schema) -> None:
        """Upgrade and create the schema in one transaction: all of it or none.

        SQLite's schema changes and `user_version` are transactional, so a failed
        step (or a killed process) leaves the file at its old version, still openable.
        """
        script = ";\n".join(
            ("BEGIN IMMEDIATE", *upgrades, schema.script, f"PRAGMA user_version = {schema.version}")
        )
        try:
            self._db.executescript(script + ";\nCOMMIT;")
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise

    def _close_quietly(self) -> None:
        with suppress(sqlite3.Error, AttributeError):
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._db
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                raise StorageError(f"Could not write to {self._label}: {exc}") from exc

    def execute_outside_transaction(self, sql: str) -> None:
        """For statements SQLite refuses inside a transaction (checkpoints)."""
        with self._lock:
            try:
                self._db.execute(sql)
            except sqlite3.Error as exc:
                raise StorageError(f"Could not write to {self._label}: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            self._db.close()
