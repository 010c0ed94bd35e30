"""GUI parts that need no model: the message box, the conversation list model,
message rendering, and the routing of unexpected errors to a dialog."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, QSize, Qt, QUrl
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import QMessageBox, QWidget

from app.core.chat.storage import Conversation
from app.core.documents.records import Quote, Source
from app.core.errors import ModelError
from app.gui.chat.chat_view import ChatView
from app.gui.chat.composer import Composer, MessageBox
from app.gui.chat.conversation_model import ConversationIdRole, ConversationListModel
from app.gui.chat.message_view import MessageView
from app.gui.errors import BUG_MESSAGE, ErrorReporter, show_error

# Qt's offscreen platform (used by the tests) warns whenever a window has size limits.


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONFIDENTE_HOME", str(tmp_path / "home"))


def conversations(count: int) -> list[Conversation]:
    return [
        Conversation(i, f"Chat {i}", 1.0e9 + i, 1.0e9 + i, None, 0) for i in range(1, count + 1)
    ]


def test_enter_sends_and_shift_enter_inserts_a_new_line(qtbot: Any) -> None:
    box = MessageBox()
    qtbot.addWidget(box)
    qtbot.keyClicks(box, "line one")
    qtbot.keyClick(box, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(box, "line two")
    assert box.toPlainText() == "line one\nline two"
    with qtbot.waitSignal(box.submitted, timeout=1000) as sent:
        qtbot.keyClick(box, Qt.Key.Key_Return)
    assert sent.args == ["line one\nline two"]
    with qtbot.waitSignal(box.submitted, timeout=1000) as sent:
        qtbot.keyClick(box, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    assert sent.args == ["line one\nline two"]
    assert box.toPlainText() == "line one\nline two"  # the window decides when to clear


def test_message_box_grows_with_its_text(qtbot: Any) -> None:
    composer = Composer()
    qtbot.addWidget(composer)
    composer.show()
    empty_height = composer.editor.height()
    for _ in range(4):
        qtbot.keyClick(composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert composer.editor.height() > empty_height


def test_conversation_list_model_passes_the_model_tester(qtmodeltester: Any) -> None:
    model = ConversationListModel()
    model.set_conversations(conversations(3))
    qtmodeltester.check(model)
    # The tester stays connected and checks every later change too.
    model.set_conversations(conversations(5))
    model.set_conversations([])
    model.set_conversations(conversations(1))
    assert model.rowCount() == 1


def test_conversation_list_model_shows_titles_and_ids() -> None:
    model = ConversationListModel()
    model.set_conversations(conversations(2))
    assert model.rowCount() == 2
    assert model.rowCount(model.index(0)) == 0
    assert model.data(model.index(1)) == "Chat 2"
    assert model.data(model.index(1), ConversationIdRole) == 2
    assert "Last message" in str(model.data(model.index(0), Qt.ItemDataRole.ToolTipRole))
    assert model.data(QModelIndex()) is None
    assert model.row_of(2) == 1
    assert model.row_of(99) is None


def test_answers_render_markdown_code_and_tables(qtbot: Any) -> None:
    text = "Here:\n\n```python\nprint('hi')\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    view = MessageView("assistant", text)
    qtbot.addWidget(view)
    html = view.body.document().toHtml()
    assert "<table" in html
    assert "print(&#x27;hi&#x27;)" in html or "print('hi')" in html
    assert view.body.toPlainText().startswith("Here:")


def test_user_messages_are_shown_as_typed(qtbot: Any) -> None:
    view = MessageView("user", "2 * 3 * 4 and _not italic_")
    qtbot.addWidget(view)
    assert view.body.toPlainText() == "2 * 3 * 4 and _not italic_"


def test_links_are_not_opened(qtbot: Any) -> None:
    view = MessageView("assistant", "[site](https://example.com)")
    qtbot.addWidget(view)
    assert not view.body.openLinks()
    assert not view.body.openExternalLinks()
    with qtbot.waitSignal(view.body.link_refused, timeout=1000) as refused:
        view.body.anchorClicked.emit(QUrl("https://example.com"))
    assert refused.args == ["https://example.com"]


def test_images_named_by_the_text_are_never_read(qtbot: Any, tmp_path: Path) -> None:
    picture = tmp_path / "secret.png"
    QImage(40, 30, QImage.Format.Format_RGB32).save(str(picture))
    text = f"See ![a chart]({picture}) and ![]({tmp_path / 'other.png'}) and ![x](/dev/zero)"
    view = MessageView("assistant", text)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    assert "[image: a chart]" in view.body.toPlainText()
    assert "\ufffc" not in view.body.toPlainText()  # no image object is left to load
    loaded = view.body.document().resource(
        QTextDocument.ResourceType.ImageResource, QUrl(str(picture))
    )
    assert loaded is None or loaded.size() == QSize(1, 1)  # the blank, not the picture
    for url in (str(picture), "https://example.com/x.png", "file:///dev/zero"):
        blank = view.body.loadResource(QTextDocument.ResourceType.ImageResource.value, QUrl(url))
        assert isinstance(blank, QImage)
        assert blank.size().width() == 1


def test_html_in_the_text_is_shown_not_interpreted(qtbot: Any) -> None:
    view = MessageView("assistant", 'Hi <b>there</b> <img src="/dev/zero">')
    qtbot.addWidget(view)
    assert view.body.toPlainText() == 'Hi <b>there</b> <img src="/dev/zero">'


def test_expected_errors_show_their_message(qtbot: Any) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    box = show_error(parent, ModelError("The model file is not a GGUF file."))
    assert box.text() == "The model file is not a GGUF file."
    assert not box.detailedText()
    box.close()


def test_unexpected_thread_errors_open_a_dialog_with_a_report(
    qtbot: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(threading, "excepthook", lambda args: None)  # keep pytest's quiet
    parent = QWidget()
    qtbot.addWidget(parent)
    reporter = ErrorReporter(parent)
    reporter.install()
    try:

        def fail() -> None:
            raise RuntimeError("boom in a worker")

        thread = threading.Thread(target=fail)
        thread.start()
        thread.join()

        def dialogs() -> list[QMessageBox]:
            return [b for b in parent.findChildren(QMessageBox) if b.isVisible()]

        qtbot.waitUntil(lambda: bool(dialogs()), timeout=2000)
        box = dialogs()[0]
        assert box.text() == BUG_MESSAGE
        assert "boom in a worker" in box.detailedText()
        box.close()
    finally:
        reporter.uninstall()
    assert threading.excepthook is not reporter._thread_excepthook


def test_signals_do_not_wear_down_true_and_false() -> None:
    """PySide6 6.12.0 on Python 3.11 loses a reference per emit/disconnect (see pyside_fix)."""
    from PySide6.QtCore import QObject, Signal

    class Emitter(QObject):
        pinged = Signal(str)

    emitter = Emitter()
    received: list[str] = []
    before = sys.getrefcount(True), sys.getrefcount(False)
    for _ in range(200):
        emitter.pinged.emit("x")
        emitter.pinged.disconnect(emitter.pinged.connect(received.append))
    after = sys.getrefcount(True), sys.getrefcount(False)
    assert after[0] >= before[0] - 50
    assert after[1] >= before[1] - 50


LONG_PATH = "/srv/" + "/".join(f"folder{i:03d}" for i in range(50))  # ~400 characters, no space
LONG_WORD = "x" * 400


def test_long_unbroken_text_wraps_inside_the_chat(qtbot: Any) -> None:
    """A 400-character path or word never widens the chat past its window: every
    message, quote and source stays inside the pane, wrapped, and Copy stays on screen."""
    chat = ChatView()
    qtbot.addWidget(chat)
    chat.resize(520, 700)
    chat.show()
    qtbot.waitExposed(chat)
    path = f"{LONG_PATH}/{LONG_WORD}.pdf"
    source = Source(1, path, 3, f"See {LONG_WORD} there.", 1.0, 0, 9)
    quote = Quote(1, path, 3, f"It is {LONG_PATH}.", 0, 9)
    chat.add_message("user", f"Where is {LONG_PATH}?")
    answer = chat.add_message("assistant", f"It is in `{LONG_WORD}` and {LONG_PATH} [1].")
    answer.set_sources([source])
    answer.set_quotes([quote])
    answer.set_note(f"Stopped at {LONG_PATH}")
    notice = chat.add_notice(f"Could not read {LONG_PATH}")
    width = chat.viewport().width()

    column = chat.widget()
    assert column is not None

    def inside() -> bool:
        return column.width() <= width and all(
            view.geometry().right() < width for view in chat.messages()
        )

    qtbot.waitUntil(inside, timeout=2000)
    for view in chat.messages():
        button = view.copy_button
        assert button.isVisible()
        right = button.mapTo(chat.viewport(), button.rect().topRight()).x()
        assert right < width, f"the Copy button is cut off ({right} >= {width})"
    # Wrapped, not clipped: no text is wider than its view, each label takes several lines.
    for text in [view.body for view in chat.messages()] + answer.quotes_view.rows:
        assert text.document().idealWidth() <= text.viewport().width() + 1
    for row in answer.quotes_view.rows:
        assert row.document().idealWidth() <= row.viewport().width() + 1
        assert row.height() > 3 * row.fontMetrics().height()
    for label in (answer.note, notice, *answer.sources_view.rows):
        assert label.width() < width
        assert label.heightForWidth(label.width()) > 3 * label.fontMetrics().height()
    assert answer.text == f"It is in `{LONG_WORD}` and {LONG_PATH} [1]."  # copied as written
    assert answer.note_text == f"Stopped at {LONG_PATH}"
    assert f"Could not read {LONG_PATH}" in chat.plain_text()
