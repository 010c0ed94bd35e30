"""An answer whose source's document was removed since (issue 13): the answer still
reads, the source shows its number and "source removed", and nothing opens."""

from __future__ import annotations

from typing import Any

from app.core.chat.storage import StoredMessage
from app.core.documents.records import Source
from app.gui.chat.chat_view import ChatView
from app.gui.chat.message_view import MessageView
from app.gui.documents.citations import SourcesView, source_for

KEPT = Source(2, "/docs/harbour.txt", None, "The harbour opens at eight.", 0.5, 0, 27)
ANSWER = "The archive code is 4471 [1]; the harbour opens at eight [2]."


def test_a_removed_source_shows_its_number_and_opens_nothing(qtbot: Any) -> None:
    sources = (Source.removed_marker(1), KEPT)
    view = SourcesView()
    qtbot.addWidget(view)
    chosen: list[object] = []
    view.source_chosen.connect(chosen.append)
    view.set_sources(sources)

    removed_row, kept_row = view.rows
    assert "[1]" in removed_row.text()
    assert "source removed" in removed_row.text()
    assert "cite:" not in removed_row.text()  # no link to follow
    assert "harbour.txt" in kept_row.text()
    assert source_for(sources, "cite:1") is None
    assert source_for(sources, "cite:2") == KEPT
    view.on_link_activated("cite:1")
    assert chosen == []

    answer = MessageView("assistant", ANSWER, sources=sources)
    qtbot.addWidget(answer)
    answer.source_chosen.connect(chosen.append)
    assert answer.body.toPlainText().startswith("The archive code is 4471")
    answer.on_citation_clicked(1)
    assert chosen == []
    answer.on_citation_clicked(2)
    assert chosen == [KEPT]


def test_an_answer_is_not_marked_unsupported_once_its_source_is_removed(qtbot: Any) -> None:
    chat = ChatView()
    qtbot.addWidget(chat)
    stored = StoredMessage(1, 1, "assistant", ANSWER, 0.0, False, (Source.removed_marker(1),))
    chat.show_messages([stored])
    [answer] = chat.messages()
    assert answer.body.marked_count == 0
