"""One SQLite file, opened the way every store in Confidente opens it: encrypted.

Every store is a SQLCipher file (AES-256) opened with the data key; a plain
SQLite file left by an older Confidente is encrypted on first open (copied
into a new encrypted file, swapped in, and the plain one overwritten and
deleted; an interrupted migration is finished or undone on the next open).
A single connection serves every thread, guarded by a lock; each unit of work
is one short `BEGIN IMMEDIATE` transaction. The schema carries a version in
`user_version`: a file from a newer Confidente is refused, an older one is
upgraded step by step, all steps in one transaction (a failure keeps the old
version). A file that SQLite cannot read is left untouched and reported with
what to do, never overwritten.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from app.core import sql
from app.core.data_key import DataKey
from app.core.errors import StorageError

PLAIN_HEADER = b"SQLite format 3\x00"  # the first bytes of an unencrypted SQLite file
_COMPANIONS = ("-wal", "-shm", "-journal")


@dataclass(frozen=True)
class Schema:
    script: str  # CREATE ... IF NOT EXISTS statements for the current version
    version: int
    upgrades: Mapping[int, str]  # version N -> the SQL that makes it N + 1
    marker_table: str  # a table whose presence means the file already has a schema
    label: str  # "the conversation file", for messages
    remedy: str  # what the user can do when the file cannot be opened


class Database:
    def __init__(
        self, path: Path, schema: Schema, key: DataKey, pragmas: Sequence[str] = ()
    ) -> None:
        self.path = path
        self._label = schema.label
        self._lock = threading.RLock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            encrypt_plain_file(path, key)
            self._db = sql.connect(path, check_same_thread=False, isolation_level=None)
            self._db.execute(f"PRAGMA key = {key.sql_literal()}")
            # Fails with "file is not a database" when the key does not open the file.
            self._db.execute("SELECT count(*) FROM sqlite_master").fetchone()
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
        except sql.DatabaseError as exc:
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
        with suppress(sql.Error, AttributeError):
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[sql.Connection]:
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._db
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
            except sql.Error as exc:
                raise StorageError(f"Could not write to {self._label}: {exc}") from exc

    def execute_outside_transaction(self, statement: str) -> None:
        """For statements SQLite refuses inside a transaction (checkpoints)."""
        with self._lock:
            try:
                self._db.execute(statement)
            except sql.Error as exc:
                raise StorageError(f"Could not write to {self._label}: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            self._db.close()


def is_plain(path: Path) -> bool:
    """True for an unencrypted SQLite file (an encrypted one starts with random bytes)."""
    try:
        with path.open("rb") as file:
            return file.read(len(PLAIN_HEADER)) == PLAIN_HEADER
    except OSError:
        return False


def encrypt_plain_file(path: Path, key: DataKey) -> None:
    """Encrypt `path` in place if it is a plain SQLite file; finish an interrupted run first.

    The encrypted copy is written and synced beside it, the plain file is moved
    aside, the copy takes its name, and only then is the plain file overwritten
    and deleted: a crash at any point leaves either file complete.
    """
    aside = path.with_name(path.name + ".plain-old")
    copy = path.with_name(path.name + ".encrypting")
    if aside.exists():
        if path.exists():
            _wipe(aside)  # swapped already: only the wiping was left
        else:
            os.replace(aside, path)  # moved aside, not swapped: start again
    if not is_plain(path):
        _remove(copy)
        return
    _remove(copy)
    try:
        plain = sql.connect(path, isolation_level=None)
        try:
            version = plain.execute("PRAGMA user_version").fetchone()[0]
            plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            plain.execute(f"ATTACH DATABASE ? AS encrypted KEY {key.sql_literal()}", (str(copy),))
            plain.execute("SELECT sqlcipher_export('encrypted')")
            plain.execute(f"PRAGMA encrypted.user_version = {int(version)}")
            plain.execute("DETACH DATABASE encrypted")
        finally:
            plain.close()
        for suffix in _COMPANIONS:  # the plain file's, emptied by the checkpoint
            _wipe(path.with_name(path.name + suffix))
        _fsync(copy)
        os.replace(path, aside)
        os.replace(copy, path)
        _fsync_folder(path.parent)
    except (sql.Error, OSError) as exc:
        _remove(copy)
        if aside.exists() and not path.exists():
            os.replace(aside, path)
        raise StorageError(
            f"{path} could not be encrypted ({exc}); it was left as it was. Free some disk "
            "space and start Confidente again."
        ) from exc
    _wipe(aside)


def _wipe(path: Path) -> None:
    """Overwrite a file with zeros, sync, delete. On SSDs and copy-on-write file systems the
    old blocks may survive in the drive; full-disk encryption is the answer there."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    with path.open("r+b") as file:
        chunk = b"\0" * 65536
        written = 0
        while written < size:
            written += file.write(chunk[: min(len(chunk), size - written)])
        file.flush()
        os.fsync(file.fileno())
    path.unlink()


def _remove(path: Path) -> None:
    with suppress(FileNotFoundError):
        path.unlink()
    for suffix in _COMPANIONS:
        with suppress(FileNotFoundError):
            path.with_name(path.name + suffix).unlink()


def _fsync(path: Path) -> None:
    with path.open("rb") as file:
        os.fsync(file.fileno())


def _fsync_folder(folder: Path) -> None:
    with suppress(OSError):  # not possible on every platform (Windows)
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
