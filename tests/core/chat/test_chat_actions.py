"""Regenerate an answer and edit a question, with the real starter model."""

from __future__ import annotations

import pytest

from app.core.errors import ConfidenteError
from app.core.services import Services


def test_regenerate_replaces_the_last_answer_and_keeps_the_question(services: Services) -> None:
    first = services.chat.send(None, "Name a colour.").result()
    cid = first.conversation_id
    (question, answer) = services.store.messages(cid)

    again = services.chat.regenerate(cid).result()
    messages = services.store.messages(cid)
    assert [m.role for m in messages] == ["user", "assistant"]
    assert messages[0] == question  # the same stored question, not a copy
    assert messages[1] == again.message
    assert messages[1].created > answer.created  # a new answer (SQLite may reuse the id)


def test_edit_replaces_a_question_and_everything_after_it(services: Services) -> None:
    first = services.chat.send(None, "Name a fruit.").result()
    cid = first.conversation_id
    services.chat.send(cid, "Name a vegetable.").result()
    question = services.store.messages(cid)[0]

    edited = services.chat.edit(cid, question.id, "Name a tree.").result()
    messages = services.store.messages(cid)
    assert [(m.role, m.content) for m in messages][:1] == [("user", "Name a tree.")]
    assert [m.role for m in messages] == ["user", "assistant"]
    assert messages[1].id == edited.message.id


def test_edit_and_regenerate_refuse_what_they_cannot_do(services: Services) -> None:
    reply = services.chat.send(None, "Hello.").result()
    cid = reply.conversation_id
    with pytest.raises(ConfidenteError, match="no longer in this conversation"):
        services.chat.edit(cid, reply.message.id, "An answer is not a question.").result()
    with pytest.raises(ConfidenteError, match="Type a message first"):
        services.chat.edit(cid, reply.message.id, "   ")
    empty = services.store.create_conversation("empty")
    with pytest.raises(ConfidenteError, match="no question to answer again"):
        services.chat.regenerate(empty.id).result()
    assert len(services.store.messages(cid)) == 2  # nothing was lost
