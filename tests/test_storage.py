"""Conversations are stored, listed newest first, resumed, and a bad file is left alone."""

from __future__ import annotations

from pathlib import Path

import pytest

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
