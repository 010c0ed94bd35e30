"""Conversations on disk: one SQLite file under the data folder.

This is the only module that knows the schema. One connection, guarded by a
lock, serves every thread; writes are short and committed at once,
so a crash loses at most the message being written.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

from app.core.database import Database, Schema
from app.core.documents.records import Source
from app.core.errors import StorageError

SCHEMA_VERSION = 2
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
    stopped INTEGER NOT NULL DEFAULT 0,
    sources TEXT  -- JSON list of the passages a document answer cited, else NULL
);
CREATE INDEX IF NOT EXISTS messages_by_conversation ON messages (conversation_id, id);
"""

# Upgrades from schema version N to N + 1, run in order on an existing file.
_UPGRADES: dict[int, str] = {
    1: "ALTER TABLE messages ADD COLUMN sources TEXT",
}


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
    sources: tuple[Source, ...] = ()


_CONVERSATIONS = Schema(
    script=_SCHEMA,
    version=SCHEMA_VERSION,
    upgrades=_UPGRADES,
    marker_table="messages",
    label="the conversation file",
    remedy="move it away to start with an empty history.",
)


class ConversationStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._database = Database(path, _CONVERSATIONS)
        self._transaction = self._database.transaction

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
                "SELECT id, conversation_id, role, content, created, stopped, sources "
                "FROM messages WHERE conversation_id = ? ORDER BY id",
                (conversation_id,),
            ).fetchall()
        return [
            StoredMessage(r[0], r[1], r[2], r[3], r[4], bool(r[5]), _sources_from_json(r[6]))
            for r in rows
        ]

    def add_message(
        self,
        conversation_id: int,
        role: StoredRole,
        content: str,
        *,
        stopped: bool = False,
        sources: tuple[Source, ...] = (),
    ) -> StoredMessage:
        now = time.time()
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO messages (conversation_id, role, content, created, stopped, sources) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (conversation_id, role, content, now, int(stopped), _sources_to_json(sources)),
            )
            db.execute("UPDATE conversations SET updated = ? WHERE id = ?", (now, conversation_id))
            message_id = int(cursor.lastrowid or 0)
        return StoredMessage(message_id, conversation_id, role, content, now, stopped, sources)

    def set_context_start(self, conversation_id: int, index: int) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE conversations SET context_start = ? WHERE id = ?", (index, conversation_id)
            )

    def close(self) -> None:
        self._database.close()


def _sources_to_json(sources: tuple[Source, ...]) -> str | None:
    if not sources:
        return None
    return json.dumps([asdict(source) for source in sources], ensure_ascii=False)


def _sources_from_json(text: str | None) -> tuple[Source, ...]:
    if not text:
        return ()
    try:
        return tuple(Source(**item) for item in json.loads(text))
    except (ValueError, TypeError):  # written by a different version: show the answer without chips
        return ()
