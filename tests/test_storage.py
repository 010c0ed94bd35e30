"""Conversations are stored, listed newest first, resumed, and a bad file is left alone."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.core.documents.records import Source
from app.core.errors import StorageError
from app.core.storage import ConversationStore


def test_store_list_and_resume(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "c.sqlite3")
    first = store.create_conversation("First", "Be brief.")
    second = store.create_conversation("Second")
    store.add_message(first.id, "user", "hola")
    store.add_message(first.id, "assistant", "¡hola!", stopped=True)
    store.close()

    reopened = ConversationStore(tmp_path / "c.sqlite3")
    assert [c.title for c in reopened.list_conversations()] == ["First", "Second"]
    messages = reopened.messages(first.id)
    assert [(m.role, m.content, m.stopped) for m in messages] == [
        ("user", "hola", False),
        ("assistant", "¡hola!", True),
    ]
    assert reopened.get_conversation(first.id).system_prompt == "Be brief."
    reopened.set_context_start(first.id, 1)
    assert reopened.get_conversation(first.id).context_start == 1
    with pytest.raises(StorageError, match="no conversation"):
        reopened.get_conversation(second.id + 100)
    reopened.close()


def test_a_corrupt_file_gives_a_clear_error_and_is_not_touched(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    junk = b"this is not a database" * 100
    path.write_bytes(junk)
    with pytest.raises(StorageError, match="cannot be opened"):
        ConversationStore(path)
    assert path.read_bytes() == junk


def test_a_version_1_file_is_upgraded_and_keeps_its_messages(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(
        """
        CREATE TABLE conversations (id INTEGER PRIMARY KEY, title TEXT NOT NULL,
            created REAL NOT NULL, updated REAL NOT NULL, system_prompt TEXT,
            context_start INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE messages (id INTEGER PRIMARY KEY, conversation_id INTEGER NOT NULL,
            role TEXT NOT NULL, content TEXT NOT NULL, created REAL NOT NULL,
            stopped INTEGER NOT NULL DEFAULT 0);
        INSERT INTO conversations VALUES (1, 'Old', 1.0, 1.0, NULL, 0);
        INSERT INTO messages VALUES (1, 1, 'user', 'Hola', 1.0, 0);
        PRAGMA user_version = 1;
        """
    )
    db.close()
    store = ConversationStore(path)
    try:
        [message] = store.messages(1)
        assert message.content == "Hola"
        assert message.sources == ()
        source = Source(1, "/docs/a.pdf", 3, "El plazo es de 30 días.", 0.9, 10, 33, "pdf")
        answer = store.add_message(1, "assistant", "Treinta días [1].", sources=(source,))
        assert store.messages(1)[-1] == answer
        assert store.messages(1)[-1].sources == (source,)
    finally:
        store.close()
