"""Copy, regenerate and edit from the chat pane, with the real starter model."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from app.gui.chat.message_view import MessageView
from tests.gui_windows import OpenWindow, send, wait_answered, wait_ready


def test_copy_puts_the_message_text_on_the_clipboard(qtbot: Any) -> None:
    view = MessageView("assistant", "**Bold** answer with `code`.")
    qtbot.addWidget(view)
    qtbot.mouseClick(view.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == "**Bold** answer with `code`."


def test_a_code_block_is_found_under_the_pointer(qtbot: Any) -> None:
    text = "Run this:\n\n```python\nprint('hola')\nx = 1\n```\n\nThen stop."
    view = MessageView("assistant", text)
    qtbot.addWidget(view)
    view.resize(500, 300)
    view.show()
    qtbot.waitExposed(view)
    document = view.body.document()
    cursor = view.body.textCursor()
    cursor.setPosition(document.find("x = 1").position())  # the block's second line
    assert view.body.code_block_at(view.body.cursorRect(cursor).center()) == (
        "print('hola')\nx = 1"
    )
    cursor.setPosition(document.find("Then").position())
    assert view.body.code_block_at(view.body.cursorRect(cursor).center()) is None


def test_regenerate_and_edit_from_the_chat_pane(qtbot: Any, open_window: OpenWindow) -> None:
    window = open_window(temperature=0.0)
    wait_ready(qtbot, window)
    send(qtbot, window, "Name a colour.")
    wait_answered(qtbot, window)
    question, answer = window.chat_view.messages()
    assert answer.action_button.isVisibleTo(window)  # Regenerate on the last answer
    assert question.action_button.isVisibleTo(window)  # Edit on the question
    cid = window.conversation_id
    assert cid is not None
    old_answer = window._services.store.messages(cid)[1]

    qtbot.mouseClick(answer.action_button, Qt.MouseButton.LeftButton)
    assert window.busy
    wait_answered(qtbot, window)
    views = window.chat_view.messages()
    assert [v.role for v in views] == ["user", "assistant"]
    stored = window._services.store.messages(cid)
    assert [m.id for m in stored] == [v.message_id for v in views]
    assert stored[1].created > old_answer.created

    qtbot.mouseClick(views[0].action_button, Qt.MouseButton.LeftButton)
    assert window.composer.text() == "Name a colour."
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Escape)  # Esc leaves editing
    assert window.composer.text() == ""
    qtbot.mouseClick(views[0].action_button, Qt.MouseButton.LeftButton)
    window.composer.editor.setPlainText("Name an animal.")
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)
    wait_answered(qtbot, window)
    views = window.chat_view.messages()
    assert [(v.role, v.text if v.role == "user" else "") for v in views] == [
        ("user", "Name an animal."),
        ("assistant", ""),
    ]
    stored = window._services.store.messages(cid)
    assert stored[0].content == "Name an animal."
    assert len(stored) == 2
