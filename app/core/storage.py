"""Conversations on disk: one SQLite file under the data folder.

This is the only module that knows the schema. One connection, guarded by a
lock, serves every thread; writes are short and committed at once,
so a crash loses at most the message being written.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from app.core.errors import StorageError

SCHEMA_VERSION = 1
StoredRole = Literal["user", "assistant"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    system_prompt TEXT,
    context_start INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
    content TEXT NOT NULL,
    created REAL NOT NULL,
    stopped INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS messages_by_conversation ON messages (conversation_id, id);
"""


@dataclass(frozen=True)
class Conversation:
    id: int
    title: str
    created: float
    updated: float
    system_prompt: str | None
    context_start: int  # index of the first message still sent to the model


@dataclass(frozen=True)
class StoredMessage:
    id: int
    conversation_id: int
    role: StoredRole
    content: str
    created: float
    stopped: bool


class ConversationStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.execute("PRAGMA journal_mode = WAL")
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StorageError(
                    f"The conversation file {path} was written by a newer Confidente; "
                    "update Confidente to open it."
                )
            self._db.executescript(_SCHEMA)
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except sqlite3.DatabaseError as exc:
            raise StorageError(
                f"The conversation file {path} cannot be opened ({exc}). It was left untouched; "
                "move it away to start with an empty history.",
            ) from exc

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
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
                raise StorageError(f"Could not save to the conversation file: {exc}") from exc

    def create_conversation(self, title: str, system_prompt: str | None = None) -> Conversation:
        now = time.time()
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO conversations (title, created, updated, system_prompt) "
                "VALUES (?, ?, ?, ?)",
                (title, now, now, system_prompt),
            )
            conversation_id = int(cursor.lastrowid or 0)
        return Conversation(conversation_id, title, now, now, system_prompt, 0)

    def get_conversation(self, conversation_id: int) -> Conversation:
        with self._transaction() as db:
            row = db.execute(
                "SELECT id, title, created, updated, system_prompt, context_start "
                "FROM conversations WHERE id = ?",
                (conversation_id,),
            ).fetchone()
        if row is None:
            raise StorageError(f"There is no conversation {conversation_id}.")
        return Conversation(*row)

    def list_conversations(self) -> list[Conversation]:
        with self._transaction() as db:
            rows = db.execute(
                "SELECT id, title, created, updated, system_prompt, context_start "
                "FROM conversations ORDER BY updated DESC, id DESC"
            ).fetchall()
        return [Conversation(*row) for row in rows]

    def messages(self, conversation_id: int) -> list[StoredMessage]:
        with self._transaction() as db:
            rows = db.execute(
                "SELECT id, conversation_id, role, content, created, stopped "
                "FROM messages WHERE conversation_id = ? ORDER BY id",
                (conversation_id,),
            ).fetchall()
        return [StoredMessage(r[0], r[1], r[2], r[3], r[4], bool(r[5])) for r in rows]

    def add_message(
        self, conversation_id: int, role: StoredRole, content: str, *, stopped: bool = False
    ) -> StoredMessage:
        now = time.time()
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO messages (conversation_id, role, content, created, stopped) "
                "VALUES (?, ?, ?, ?, ?)",
                (conversation_id, role, content, now, int(stopped)),
            )
            db.execute("UPDATE conversations SET updated = ? WHERE id = ?", (now, conversation_id))
            message_id = int(cursor.lastrowid or 0)
        return StoredMessage(message_id, conversation_id, role, content, now, stopped)

    def set_context_start(self, conversation_id: int, index: int) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE conversations SET context_start = ? WHERE id = ?", (index, conversation_id)
            )

    def close(self) -> None:
        with self._lock:
            self._db.close()
