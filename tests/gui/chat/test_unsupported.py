"""Sentences of a document answer that no source supports, marked in the chat.

Each is underlined with dots and followed by a ⚠, both with a tooltip, and a
line under the answer says what the mark means. The marks are placed by the
sentences' offsets in the model's Markdown (`ChatReply.unsupported`), which
rendering moves; the model's text stays text (no markup gets in through a
mark), and Copy gives the answer as written. A stored answer is marked again
when its conversation is reopened (the marks are found again from its text and
sources, as when it was written).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QFont, QGuiApplication, QTextCharFormat, QTextCursor, QTextDocument

from app.core.chat import service as chat_service
from app.core.chat.storage import ConversationStore
from app.core.documents.chunking import sentence_spans
from app.core.documents.quotes import unsupported_spans
from app.core.documents.records import Source
from app.gui.chat.chat_view import ChatView
from app.gui.chat.message_view import MessageView
from tests.data_keys import home_key
from tests.gui_windows import OpenWindow, send, wait_answered, wait_ready

MANUAL = (
    "The safety valve of the boiler opens at 6.5 bar. Check the valve monthly, and "
    "replace its seal every two years."
)
PAINTED = "The boiler was painted green in 1987 by the crew."
SIGN = " ⚠"  # what follows a marked sentence (a no-break space, plain in toPlainText)
DOTTED = QTextCharFormat.UnderlineStyle.DotLine


def manual_source() -> Source:
    return Source(1, "/docs/boiler manual.pdf", 3, MANUAL, 0.9, 0, len(MANUAL), "pdf")


def shown_answer(qtbot: Any, text: str) -> MessageView:
    """An answer drawn from the manual, marked as the core marks it (`unsupported_spans`
    is what `ChatService` puts in `ChatReply.unsupported`)."""
    sources = [manual_source()]
    view = MessageView("assistant", sources=sources)
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.show()
    qtbot.waitExposed(view)
    view.set_text(text)
    view.set_unsupported(unsupported_spans(text, sources))
    return view


def formats_of(document: QTextDocument, shown: str) -> list[QTextCharFormat]:
    """The format of each character of `shown`, found in the rendered `document`."""
    found = document.find(shown)
    assert not found.isNull(), f"{shown!r} is not on screen"
    formats = []
    for position in range(found.selectionStart() + 1, found.selectionEnd() + 1):
        cursor = QTextCursor(document)
        cursor.setPosition(position)  # the format of the character before the position
        formats.append(cursor.charFormat())
    return formats


def is_marked(document: QTextDocument, shown: str) -> bool:
    """Every character of `shown` is underlined with dots and tells why on hover."""
    return all(
        f.underlineStyle() == DOTTED and "not found in your documents" in f.toolTip().lower()
        for f in formats_of(document, shown)
    )


def has_mark(document: QTextDocument, shown: str) -> bool:
    return any(f.underlineStyle() == DOTTED or f.toolTip() for f in formats_of(document, shown))


def test_the_unsupported_sentence_is_marked_and_the_supported_ones_are_not(qtbot: Any) -> None:
    text = (
        "**Pressure:** the safety valve opens at 6.5 bar [1].\n\n"
        "- Check the valve monthly [1].\n"
        f"- {PAINTED.replace('green', '*green*')}\n"
        "- Replace its seal every two years [1]."
    )
    view = shown_answer(qtbot, text)
    ((start, end),) = view.unsupported  # the core found one, by offsets in the Markdown
    assert text[start:end].endswith("painted *green* in 1987 by the crew.")

    document = view.body.document()
    shown = view.body.toPlainText()
    assert f"{PAINTED}{SIGN}" in shown  # the sign right after the sentence, markup gone
    assert shown.count("⚠") == 1
    assert is_marked(document, PAINTED)
    for supported in (
        "Pressure: the safety valve opens at 6.5 bar",
        "Check the valve monthly",
        "Replace its seal every two years",
    ):
        assert not has_mark(document, supported), supported
    sign = formats_of(document, "⚠")[0]
    assert sign.underlineStyle() != DOTTED
    assert "not found in your documents" in sign.toolTip().lower()
    italic = formats_of(document, "green")
    assert all(f.fontItalic() for f in italic)  # the sentence's own Markdown still holds
    assert view.body.marked_count == 1
    assert view.unsupported_note.isVisible()
    assert "⚠" in view.unsupported_note.text()
    assert "not found in your documents" in view.unsupported_note.text()

    view.on_copy_clicked()  # the answer as the model wrote it, without the marks
    assert QGuiApplication.clipboard().text() == text

    view.set_text("The safety valve opens at 6.5 bar [1].")  # a new text: the marks go
    assert view.unsupported == ()
    assert "⚠" not in view.body.toPlainText()
    assert not view.unsupported_note.isVisible()


def test_an_answer_its_sources_support_has_no_mark(qtbot: Any) -> None:
    text = (
        "The safety valve opens at 6.5 bar [1]. Check the valve monthly, and replace "
        "its seal every two years [1]."
    )
    view = shown_answer(qtbot, text)
    assert view.unsupported == ()
    document = view.body.document()
    assert not has_mark(document, "The safety valve opens at 6.5 bar")
    assert not has_mark(document, "replace its seal every two years")
    assert "⚠" not in view.body.toPlainText()
    assert view.body.marked_count == 0
    assert not view.unsupported_note.isVisible()


def test_model_text_that_looks_like_markup_is_still_shown_as_typed(qtbot: Any) -> None:
    claim = 'The valve opens at <b>9 bar</b> <img src="/dev/zero"> when hot [1].'
    # Mark characters written by the model do not make marks of their own.
    forged = "The safety valve opens at \ue0006.5 bar\ue001 [1]."
    view = shown_answer(qtbot, f"{claim} {forged}")
    assert len(view.unsupported) == 1

    document = view.body.document()
    shown = view.body.toPlainText()
    typed = 'The valve opens at <b>9 bar</b> <img src="/dev/zero"> when hot [1].'
    assert f"{typed}{SIGN}" in shown
    assert is_marked(document, typed.removesuffix(" [1]."))  # the chip [1] stays a chip
    assert all(f.fontWeight() == QFont.Weight.Normal for f in formats_of(document, "9 bar"))
    html = document.toHtml()
    assert "<img" not in html
    assert "&lt;img" in html
    assert "\ue000" not in shown
    assert "\ue001" not in shown
    assert not has_mark(document, "The safety valve opens at")
    assert shown.count("⚠") == 1
    assert view.body.marked_count == 1


def test_marks_never_change_what_the_answer_says(qtbot: Any) -> None:
    """Every sentence marked, in a heading, a table, code, lists and emphasis: the text
    on screen is the unmarked one plus the signs, and code gets no sign to be copied."""
    text = (
        "## Valve limits ##\n\n"
        "| Part | Limit |\n|---|---|\n| Seal of the valve | 40 years [1] |\n\n"
        "```\nopen_valve(pressure=9)\n```\n\n"
        "1. Paint it *green* in 1987.\n"
        "2) __Ask__ the crew [1, 2].\n\n"
        "> _Quoted from nowhere at all._"
    )
    every_sentence = sentence_spans(text)
    plain = shown_answer(qtbot, text)
    plain.set_unsupported(())
    marked = shown_answer(qtbot, text)
    marked.set_unsupported(every_sentence)
    shown = marked.body.toPlainText()
    assert shown.replace(SIGN, "") == plain.body.toPlainText()
    assert marked.body.marked_count >= 6
    assert shown.count("⚠") == marked.body.marked_count - 1  # none in the code block
    assert is_marked(marked.body.document(), "open_valve(pressure=9)")
    for sentence in ("Valve limits", "Paint it green in 1987.", "Quoted from nowhere at all."):
        assert is_marked(marked.body.document(), sentence), sentence
        assert f"{sentence}{SIGN}" in shown


def test_a_reopened_answer_is_marked_again(qtbot: Any, tmp_path: Path) -> None:
    """The marks are not stored: they are found again from the stored text and sources."""
    store = ConversationStore(tmp_path / "conversations.sqlite3", home_key())
    try:
        conversation = store.create_conversation("Boiler")
        store.add_message(conversation.id, "user", "When does the safety valve open?")
        answer = f"The safety valve opens at 6.5 bar [1]. {PAINTED}"
        store.add_message(conversation.id, "assistant", answer, sources=(manual_source(),))
        messages = store.messages(conversation.id)
    finally:
        store.close()
    chat = ChatView()
    qtbot.addWidget(chat)
    chat.resize(700, 500)
    chat.show()
    chat.show_messages(messages)
    question, reopened = chat.messages()
    assert question.unsupported == ()
    assert reopened.unsupported == ((answer.index(PAINTED), len(answer)),)
    assert is_marked(reopened.body.document(), PAINTED)
    assert not has_mark(reopened.body.document(), "The safety valve opens at 6.5 bar")
    assert reopened.unsupported_note.isVisibleTo(reopened)


def test_the_window_marks_a_stored_document_answer_when_it_is_opened(
    qtbot: Any, open_window: OpenWindow
) -> None:
    window = open_window()
    wait_ready(qtbot, window)
    store = window._services.store
    conversation = store.create_conversation("Boiler")
    store.add_message(conversation.id, "user", "When does the safety valve open?")
    answer = f"{PAINTED} The safety valve opens at 6.5 bar [1]."
    store.add_message(conversation.id, "assistant", answer, sources=(manual_source(),))
    window.on_conversation_chosen(conversation.id)
    qtbot.waitUntil(lambda: len(window.chat_view.messages()) == 2, timeout=5000)
    reopened = window.chat_view.messages()[1]
    assert is_marked(reopened.body.document(), PAINTED)
    assert f"{PAINTED}{SIGN} The safety valve" in reopened.body.toPlainText()
    assert reopened.unsupported_note.isVisibleTo(reopened)


def test_a_live_document_answer_shows_the_marks_the_core_found(
    qtbot: Any, open_window: OpenWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the real model. Which sentence the 270M starter writes unsupported is its own
    business, so the core's check is made to report the whole answer: the test is that
    the window shows, as the answer ends, what `ChatReply.unsupported` says."""
    monkeypatch.setattr(
        chat_service, "unsupported_spans", lambda answer, _sources: ((0, len(answer)),)
    )
    manual = tmp_path / "boiler.txt"
    manual.write_text(MANUAL, encoding="utf-8")
    window = open_window(temperature=0.0)
    with qtbot.waitSignal(window.library.job_ended, timeout=60_000):
        window.documents_panel.on_paths_picked([str(manual)])
    wait_ready(qtbot, window)
    send(qtbot, window, "At what pressure does the safety valve of the boiler open?")
    answer = window.chat_view.messages()[-1]
    wait_answered(qtbot, window)
    assert answer.text
    assert answer.unsupported == ((0, len(answer.text)),)
    assert answer.unsupported_note.isVisibleTo(answer)
