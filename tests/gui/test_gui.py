"""The main window with the real starter model: loading, chatting, stopping,
switching conversations, and a model file that is not a model."""

from __future__ import annotations

import itertools
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.core.chat.storage import ConversationStore
from app.core.paths import app_paths
from app.core.services import Services
from app.gui import main_window
from app.gui.main_window import MainWindow
from tests.data_keys import home_key
from tests.gui_windows import (
    ANSWER_TIMEOUT_MS,
    ENDLESS_PROMPT,
    LOAD_TIMEOUT_MS,
    OpenWindow,
    destroy,
    quit_after,
    send,
    visible_dialogs,
    wait_answered,
    wait_ready,
)

__all__ = ["OpenWindow", "send", "wait_answered", "wait_ready"]  # used by other GUI tests


def test_window_says_loading_first_then_names_the_model(
    qtbot: Any, open_window: OpenWindow
) -> None:
    window = open_window()
    assert window.isVisible()
    assert window.model_state == "loading"
    assert window.banner.isVisible()
    assert "Loading the model" in window.banner.label.text()
    assert "loading" in window.status.model_label.text()
    assert window.composer.send_button.isEnabled()  # messages queue behind the load
    assert "once the model has loaded" in window.composer.editor.placeholderText()

    wait_ready(qtbot, window)
    assert not window.banner.isVisible()
    assert "once the model has loaded" not in window.composer.editor.placeholderText()
    assert "Gemma 3" in window.status.model_label.text()
    assert "CPU" in window.status.model_label.text()


def test_first_start_shows_the_starter_model_being_prepared(qtbot: Any, home: Path) -> None:
    services = Services(max_tokens=24)  # no model_path: the starter, assembled in `home`
    window = MainWindow(services)
    try:
        window.show()
        window.load_model()
        qtbot.waitUntil(
            lambda: "Preparing the starter model" in window.banner.label.text(),
            timeout=LOAD_TIMEOUT_MS,
        )
        wait_ready(qtbot, window)
        assert not window.status.progress.isVisible()
        assert "Gemma 3" in window.status.model_label.text()
    finally:
        window.close()
        window.shutdown()
        destroy(window)


def test_sending_streams_the_answer_and_lists_the_conversation(
    qtbot: Any, open_window: OpenWindow
) -> None:
    window = open_window(temperature=0.0)
    send(qtbot, window, "Say hello to Ana.")  # while the model is still loading: it queues
    assert window.composer.text() == ""
    assert window.busy
    assert not window.composer.send_button.isEnabled()
    messages = window.chat_view.messages()
    assert [m.role for m in messages] == ["user", "assistant"]
    assert messages[0].text == "Say hello to Ana."
    answer = messages[1]

    assert window.chat_controller._turn is not None
    updates: list[str] = []
    window.chat_controller._turn.bridge.text_changed.connect(updates.append)
    qtbot.waitUntil(lambda: bool(answer.text), timeout=ANSWER_TIMEOUT_MS)
    wait_answered(qtbot, window)

    assert updates, "the answer was not streamed"
    assert all(b.startswith(a) for a, b in itertools.pairwise(updates))
    assert answer.text
    # Markdown renders a single newline as a space: compare the words, not the layout.
    assert " ".join(answer.text.split()) in " ".join(window.chat_view.plain_text().split())
    assert window.composer.send_button.isEnabled()
    assert "tokens" in window.status.speed_label.text()
    qtbot.waitUntil(lambda: window.conversations.rowCount() == 1, timeout=5000)
    assert window.conversations.conversation_at(0).title == "Say hello to Ana."
    assert window.conversation_id == window.conversations.conversation_at(0).id
    assert window.conversation_list.currentIndex().row() == 0


def test_stop_ends_a_running_answer_early(qtbot: Any, open_window: OpenWindow) -> None:
    window = open_window(max_tokens=1000, temperature=0.0)
    wait_ready(qtbot, window)
    send(qtbot, window, ENDLESS_PROMPT)
    answer = window.chat_view.messages()[-1]
    assert window.composer.stop_button.isEnabled()
    qtbot.waitUntil(lambda: bool(answer.text), timeout=ANSWER_TIMEOUT_MS)
    qtbot.mouseClick(window.composer.stop_button, Qt.MouseButton.LeftButton)
    wait_answered(qtbot, window)

    assert "Stopped" in answer.note.text()
    assert not window.composer.stop_button.isEnabled()
    assert window.composer.send_button.isEnabled()
    store = window._services.store
    assert window.conversation_id is not None
    stored = store.messages(window.conversation_id)[-1]
    assert stored.stopped
    assert stored.content.count(",") < 500  # well short of 1000 tokens


def test_a_new_conversation_is_listed_as_soon_as_its_question_is_saved(
    qtbot: Any, open_window: OpenWindow
) -> None:
    window = open_window(max_tokens=1000, temperature=0.0)
    wait_ready(qtbot, window)
    send(qtbot, window, ENDLESS_PROMPT)
    qtbot.waitUntil(lambda: window.conversations.rowCount() == 1, timeout=ANSWER_TIMEOUT_MS)
    assert window.busy, "listed while the answer is still streaming"
    assert window.conversation_id == window.conversations.conversation_at(0).id
    qtbot.mouseClick(window.composer.stop_button, Qt.MouseButton.LeftButton)
    wait_answered(qtbot, window)


def test_escape_stops_the_answer(qtbot: Any, open_window: OpenWindow) -> None:
    window = open_window(max_tokens=1000, temperature=0.0)
    wait_ready(qtbot, window)
    send(qtbot, window, ENDLESS_PROMPT)
    answer = window.chat_view.messages()[-1]
    qtbot.waitUntil(lambda: bool(answer.text), timeout=ANSWER_TIMEOUT_MS)
    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Escape)
    wait_answered(qtbot, window)
    assert "Stopped" in answer.note.text()


def test_new_chat_clears_the_pane_and_starts_another_conversation(
    qtbot: Any, open_window: OpenWindow
) -> None:
    window = open_window()
    wait_ready(qtbot, window)
    send(qtbot, window, "First question")
    wait_answered(qtbot, window)
    first = window.conversation_id
    assert first is not None

    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.chat_view.messages() == []
    assert window.conversation_id is None
    assert not window.conversation_list.currentIndex().isValid()

    send(qtbot, window, "Second question")
    wait_answered(qtbot, window)
    assert window.conversation_id not in (None, first)
    qtbot.waitUntil(lambda: window.conversations.rowCount() == 2, timeout=5000)


def test_clicking_a_stored_conversation_shows_it_and_continues_it(
    qtbot: Any, open_window: OpenWindow, home: Path
) -> None:
    store = ConversationStore(app_paths().ensure().conversations_db, home_key())
    older = store.create_conversation("Recipes")
    store.add_message(older.id, "user", "How do I cook rice?")
    store.add_message(
        older.id, "assistant", "Rinse it, then:\n\n| rice | water |\n|---|---|\n| 1 | 2 |"
    )
    newer = store.create_conversation("Travel")
    store.add_message(newer.id, "user", "Best time to visit Lisbon?")
    store.add_message(newer.id, "assistant", "Spring.", stopped=True)
    store.close()

    window = open_window()
    qtbot.waitUntil(lambda: window.conversations.rowCount() == 2, timeout=5000)
    row = window.conversations.row_of(older.id)
    assert row is not None
    rect = window.conversation_list.visualRect(window.conversations.index(row))
    qtbot.mouseClick(
        window.conversation_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center()
    )

    qtbot.waitUntil(lambda: len(window.chat_view.messages()) == 2, timeout=5000)
    shown = window.chat_view.messages()
    assert shown[0].text == "How do I cook rice?"
    assert "<table" in shown[1].body.document().toHtml()
    assert window.conversation_id == older.id

    wait_ready(qtbot, window)
    send(qtbot, window, "And brown rice?")
    wait_answered(qtbot, window)
    assert window.conversation_id == older.id
    assert len(window._services.store.messages(older.id)) == 4

    row = window.conversations.row_of(newer.id)
    assert row is not None
    window.conversation_list.clicked.emit(window.conversations.index(row))
    qtbot.waitUntil(lambda: len(window.chat_view.messages()) == 2, timeout=5000)
    assert window.chat_view.messages()[1].note.text() == "Stopped before the end."


def test_a_file_that_is_not_a_model_shows_an_error_and_the_window_stays(
    qtbot: Any, open_window: OpenWindow, tmp_path: Path
) -> None:
    junk = tmp_path / "junk.gguf"
    junk.write_bytes(b"this is not a model" * 100)
    window = open_window(model_path=junk)
    qtbot.waitUntil(lambda: window.model_state == "failed", timeout=LOAD_TIMEOUT_MS)

    qtbot.waitUntil(lambda: bool(visible_dialogs(window)), timeout=5000)
    dialog = visible_dialogs(window)[0]
    assert dialog.icon() == QMessageBox.Icon.Warning  # an expected error, not a bug report
    assert dialog.text()
    assert dialog.text() in window.banner.label.text()
    dialog.close()

    assert window.isVisible()
    assert window.banner.retry_button.isVisible()
    assert window.retry_action.isEnabled()
    assert not window.composer.send_button.isEnabled()
    send(qtbot, window, "Anyone there?")
    assert window.chat_view.messages() == []  # refused, and the text is kept
    assert window.composer.text() == "Anyone there?"

    qtbot.mouseClick(window.banner.retry_button, Qt.MouseButton.LeftButton)
    assert "Loading the model" in window.banner.label.text()
    qtbot.waitUntil(lambda: window.model_state == "failed", timeout=LOAD_TIMEOUT_MS)
    qtbot.waitUntil(lambda: bool(visible_dialogs(window)), timeout=5000)


def test_a_conversation_outgrowing_the_context_is_noticed(
    qtbot: Any, open_window: OpenWindow
) -> None:
    store = ConversationStore(app_paths().ensure().conversations_db, home_key())
    long = store.create_conversation("Long")
    for i in range(6):
        store.add_message(long.id, "user", f"Question {i}: " + "tell me more about rivers " * 12)
        store.add_message(long.id, "assistant", f"Answer {i}: " + "rivers flow to the sea " * 12)
    store.close()

    window = open_window(context_length=256)
    qtbot.waitUntil(lambda: window.conversations.rowCount() == 1, timeout=5000)
    window.conversation_list.clicked.emit(window.conversations.index(0))
    qtbot.waitUntil(lambda: len(window.chat_view.messages()) == 12, timeout=5000)
    wait_ready(qtbot, window)
    send(qtbot, window, "And lakes?")
    wait_answered(qtbot, window)
    assert "no longer fits" in window.chat_view.plain_text()
    # The notice sits above the answer it concerns.
    lines = window.chat_view.plain_text().splitlines()
    notice = next(i for i, line in enumerate(lines) if "no longer fits" in line)
    assert lines[notice - 1].startswith("You: And lakes?")


def test_run_gui_runs_until_the_window_closes(
    qtbot: Any, home: Path, starter_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The network guard is an audit hook that cannot be removed: keep it out of the test run.
    monkeypatch.setattr(main_window, "install_network_guard", lambda: None)
    seen: list[str] = []
    before = set(threading.enumerate())  # session fixtures may hold workers of their own

    def close_when_ready() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        shown = [w for w in windows if w.isVisible()]
        if shown and shown[0].model_state == "ready":
            seen.append(shown[0].status.model_label.text())
            shown[0].close()
        else:
            QTimer.singleShot(20, close_when_ready)

    QTimer.singleShot(0, close_when_ready)
    with quit_after(LOAD_TIMEOUT_MS):
        assert main_window.run_gui(["confidente"], str(starter_model)) == 0
    assert seen
    assert "Gemma 3" in seen[0]
    assert not [
        t for t in threading.enumerate() if t.name.startswith("confidente") and t not in before
    ]


def test_run_gui_shows_why_it_cannot_start(
    qtbot: Any, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(main_window, "install_network_guard", lambda: None)
    database = app_paths().ensure().conversations_db
    database.write_bytes(b"this is not a database" * 100)
    told: list[str] = []

    def close_dialog() -> None:
        boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]
        shown = [b for b in boxes if b.isVisible()]
        if shown:
            told.append(shown[0].text())
            shown[0].close()
        else:
            QTimer.singleShot(20, close_dialog)

    QTimer.singleShot(0, close_dialog)
    with quit_after(LOAD_TIMEOUT_MS):
        assert main_window.run_gui(["confidente"], None) == 1
    assert told
    assert "conversation file" in told[0]
