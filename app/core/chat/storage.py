"""Conversations on disk: one SQLite file under the data folder.

This is the only module that knows the schema. One connection, guarded by a
lock, serves every thread; writes are short and committed at once,
so a crash loses at most the message being written.

Conversations are searchable: FTS5 indexes over message text and titles, with
the unicode61 tokenizer and remove_diacritics=2, so case and accents fold
("accion" finds "Acción"). Triggers keep them in step with the tables. What the
user deletes is made unrecoverable from the files: SQLite overwrites deleted
rows (secure_delete), the FTS segments are merged so no stale copy of a word
stays in the index, and the WAL is checkpointed and truncated.
"""

from __future__ import annotations

import json
import re
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal, TypeVar

from app.core import sql
from app.core.data_key import DataKey
from app.core.database import Database, Schema
from app.core.documents.records import Quote, Source
from app.core.errors import StorageError

SCHEMA_VERSION = 4
StoredRole = Literal["user", "assistant"]
MAX_TITLE_LENGTH = 200
SNIPPET_TOKENS = 12  # words of context a search hit shows around the match
MAX_QUERY_TERMS = 16

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
    sources TEXT,  -- JSON list of the passages a document answer cited, else NULL
    quotes TEXT  -- JSON list of the sentences of those passages quoted with it, else NULL
);
CREATE INDEX IF NOT EXISTS messages_by_conversation ON messages (conversation_id, id);

CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5 (
    content, content='messages', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content);
END;
CREATE TRIGGER IF NOT EXISTS messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
END;
CREATE TRIGGER IF NOT EXISTS messages_fts_update AFTER UPDATE OF content ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
    INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content);
END;

CREATE VIRTUAL TABLE IF NOT EXISTS titles_fts USING fts5 (
    title, content='conversations', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS titles_fts_insert AFTER INSERT ON conversations BEGIN
    INSERT INTO titles_fts (rowid, title) VALUES (new.id, new.title);
END;
CREATE TRIGGER IF NOT EXISTS titles_fts_delete AFTER DELETE ON conversations BEGIN
    INSERT INTO titles_fts (titles_fts, rowid, title) VALUES ('delete', old.id, old.title);
END;
CREATE TRIGGER IF NOT EXISTS titles_fts_update AFTER UPDATE OF title ON conversations BEGIN
    INSERT INTO titles_fts (titles_fts, rowid, title) VALUES ('delete', old.id, old.title);
    INSERT INTO titles_fts (rowid, title) VALUES (new.id, new.title);
END;
"""

# Upgrades from schema version N to N + 1, run in order on an existing file, one
# statement each. Version 3 adds the search indexes, which the schema script
# creates empty; the marker table asks `_fill_pending_search_index` to fill them
# from the existing rows, in one transaction, on this or (after a crash) the next open.
# Version 4 keeps a document answer's quotes; older answers simply have none.
_SEARCH_PENDING = "search_index_pending"
_UPGRADES: dict[int, str] = {
    1: "ALTER TABLE messages ADD COLUMN sources TEXT",
    2: f"CREATE TABLE {_SEARCH_PENDING} (since_version INTEGER)",
    3: "ALTER TABLE messages ADD COLUMN quotes TEXT",
}

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Conversation:
    id: int
    title: str
    created: float
    updated: float
    system_prompt: str | None  # None: the system prompt in the settings
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
    quotes: tuple[Quote, ...] = ()


@dataclass(frozen=True)
class SearchHit:
    """A conversation that matches a search: through one of its messages, or its title
    (then `message_id` and `role` are None and `snippet` is the title)."""

    conversation_id: int
    title: str
    message_id: int | None
    snippet: str  # the words around the match, "…" where the text goes on
    role: StoredRole | None


_CONVERSATIONS = Schema(
    script=_SCHEMA,
    version=SCHEMA_VERSION,
    upgrades=_UPGRADES,
    marker_table="messages",
    label="the conversation file",
    remedy="move it away to start with an empty history.",
)


def clean_title(title: str) -> str:
    """`title` on one line, trimmed; StorageError if it is empty or too long."""
    cleaned = " ".join(title.split())
    if not cleaned:
        raise StorageError("A conversation needs a title.")
    if len(cleaned) > MAX_TITLE_LENGTH:
        raise StorageError(
            f"That title is {len(cleaned)} characters long; a title has at most {MAX_TITLE_LENGTH}."
        )
    return cleaned


def match_expression(query: str) -> str | None:
    """An FTS5 query for what the user typed: every word must appear, the last one
    as a prefix (it may be half typed). Each word is quoted, so nothing typed is an
    operator (AND, NEAR, *, column filters); None when nothing searchable was typed."""
    words = _WORD.findall(unicodedata.normalize("NFKC", query))[:MAX_QUERY_TERMS]
    if not words:
        return None
    quoted = ['"' + word.replace('"', '""') + '"' for word in words]
    quoted[-1] += "*"
    return " ".join(quoted)


class ConversationStore:
    def __init__(self, path: Path, key: DataKey) -> None:
        self.path = path
        self._database = Database(path, _CONVERSATIONS, key, pragmas=("secure_delete = ON",))
        self._transaction = self._database.transaction
        self._fill_pending_search_index()

    def _fill_pending_search_index(self) -> None:
        with self._transaction() as db:
            pending = db.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
                (_SEARCH_PENDING,),
            ).fetchone()[0]
            if pending:
                db.execute("INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')")
                db.execute("INSERT INTO titles_fts (titles_fts) VALUES ('rebuild')")
                db.execute(f"DROP TABLE {_SEARCH_PENDING}")

    def create_conversation(self, title: str, system_prompt: str | None = None) -> Conversation:
        title = clean_title(title)
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
            raise _no_conversation(conversation_id)
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
                "SELECT id, conversation_id, role, content, created, stopped, sources, quotes "
                "FROM messages WHERE conversation_id = ? ORDER BY id",
                (conversation_id,),
            ).fetchall()
        return [
            StoredMessage(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                bool(r[5]),
                _from_json(Source, r[6]),
                _from_json(Quote, r[7]),
            )
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
        quotes: tuple[Quote, ...] = (),
    ) -> StoredMessage:
        now = time.time()
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO messages "
                "(conversation_id, role, content, created, stopped, sources, quotes) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    conversation_id,
                    role,
                    content,
                    now,
                    int(stopped),
                    _to_json(sources),
                    _to_json(quotes),
                ),
            )
            db.execute("UPDATE conversations SET updated = ? WHERE id = ?", (now, conversation_id))
            message_id = int(cursor.lastrowid or 0)
        return StoredMessage(
            message_id, conversation_id, role, content, now, stopped, sources, quotes
        )

    def set_context_start(self, conversation_id: int, index: int) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE conversations SET context_start = ? WHERE id = ?", (index, conversation_id)
            )

    def rename_conversation(self, conversation_id: int, title: str) -> Conversation:
        """Give the conversation a new title (trimmed to one line); its order stays."""
        title = clean_title(title)
        with self._transaction() as db:
            changed = db.execute(
                "UPDATE conversations SET title = ? WHERE id = ?", (title, conversation_id)
            ).rowcount
        if not changed:
            raise _no_conversation(conversation_id)
        self._scrub()  # the old title stays in the title index and the WAL otherwise
        return self.get_conversation(conversation_id)

    def set_system_prompt(self, conversation_id: int, text: str | None) -> Conversation:
        """Give the conversation its own system prompt; None or blank: the one in the settings."""
        prompt = text.strip() if text is not None and text.strip() else None
        with self._transaction() as db:
            changed = db.execute(
                "UPDATE conversations SET system_prompt = ? WHERE id = ?",
                (prompt, conversation_id),
            ).rowcount
        if not changed:
            raise _no_conversation(conversation_id)
        return self.get_conversation(conversation_id)

    def delete_conversation(self, conversation_id: int) -> None:
        """Delete the conversation and its messages, leaving no trace of their text on disk."""
        with self._transaction() as db:
            db.execute("DELETE FROM messages WHERE conversation_id = ?", (conversation_id,))
            deleted = db.execute(
                "DELETE FROM conversations WHERE id = ?", (conversation_id,)
            ).rowcount
        if not deleted:
            raise _no_conversation(conversation_id)
        self._scrub()

    def delete_messages_from(self, conversation_id: int, message_id: int) -> None:
        """Delete the message `message_id` and every later one of the conversation
        (to answer again, or to replace an edited question), leaving no trace on disk."""
        with self._transaction() as db:
            deleted = db.execute(
                "DELETE FROM messages WHERE conversation_id = ? AND id >= ?",
                (conversation_id, message_id),
            ).rowcount
            db.execute(
                "UPDATE conversations SET context_start = min(context_start, "
                "(SELECT count(*) FROM messages WHERE conversation_id = ?)) WHERE id = ?",
                (conversation_id, conversation_id),
            )
        if deleted:
            self._scrub()

    def forget_sources(self, paths: Iterable[str]) -> int:
        """Take the documents at `paths` (removed from a library) out of every answer
        that cited them, leaving no trace on disk: the answer's text stays, each of
        their sources keeps only its number [n] (`Source.removed_marker`) and their
        quotes are dropped. Returns how many answers changed."""
        gone = set(paths)
        if not gone:
            return 0
        changed = 0
        with self._transaction() as db:
            rows = db.execute(
                "SELECT id, sources, quotes FROM messages WHERE sources IS NOT NULL"
            ).fetchall()
            for message_id, sources_json, quotes_json in rows:
                sources = _from_json(Source, sources_json)
                removed = {s.n for s in sources if s.path in gone}
                if not removed:
                    continue
                kept_sources = tuple(
                    Source.removed_marker(s.n) if s.n in removed else s for s in sources
                )
                quotes = _from_json(Quote, quotes_json)
                kept_quotes = tuple(q for q in quotes if q.n not in removed and q.path not in gone)
                db.execute(
                    "UPDATE messages SET sources = ?, quotes = ? WHERE id = ?",
                    (_to_json(kept_sources), _to_json(kept_quotes), message_id),
                )
                changed += 1
        if changed:
            self._scrub()
        return changed

    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        """Conversations whose title or messages contain every word of `query`.

        Title matches come first, then messages, best match first. Any text is a
        valid query: words are quoted, punctuation and operators are ignored.
        """
        match = match_expression(query)
        if match is None or limit <= 0:
            return []
        with self._transaction() as db:
            try:
                titles = db.execute(
                    "SELECT c.id, c.title FROM titles_fts JOIN conversations c "
                    "ON c.id = titles_fts.rowid WHERE titles_fts MATCH ? ORDER BY rank LIMIT ?",
                    (match, limit),
                ).fetchall()
                messages = db.execute(
                    "SELECT m.conversation_id, c.title, m.id, "
                    f"snippet(messages_fts, 0, '', '', '…', {SNIPPET_TOKENS}), m.role "
                    "FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid "
                    "JOIN conversations c ON c.id = m.conversation_id "
                    "WHERE messages_fts MATCH ? ORDER BY rank LIMIT ?",
                    (match, limit - len(titles)),
                ).fetchall()
            except sql.OperationalError:  # not expected with quoted words; find nothing
                return []
        hits = [SearchHit(row[0], row[1], None, row[1], None) for row in titles]
        hits += [SearchHit(r[0], r[1], r[2], " ".join(r[3].split()), r[4]) for r in messages]
        return hits

    def _scrub(self) -> None:
        """Make deleted text unrecoverable from the files on disk: merge the FTS
        segments (a deletion only adds a tombstone next to the old words) and move
        the WAL, which still holds the old pages, into the overwritten file."""
        with self._transaction() as db:
            db.execute("INSERT INTO messages_fts (messages_fts) VALUES ('optimize')")
            db.execute("INSERT INTO titles_fts (titles_fts) VALUES ('optimize')")
        self._database.execute_outside_transaction("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        self._database.close()


def _no_conversation(conversation_id: int) -> StorageError:
    return StorageError(f"There is no conversation {conversation_id}.")


_Record = TypeVar("_Record", Source, Quote)


def _to_json(records: tuple[Source, ...] | tuple[Quote, ...]) -> str | None:
    if not records:
        return None
    return json.dumps([asdict(record) for record in records], ensure_ascii=False)


def _from_json(kind: type[_Record], text: str | None) -> tuple[_Record, ...]:
    if not text:
        return ()
    try:
        return tuple(kind(**item) for item in json.loads(text))
    except (ValueError, TypeError):  # written by a different version: show the answer without them
        return ()
