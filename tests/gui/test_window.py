"""The window as a whole: shortcuts, accessible names, settings, presets, deleting on screen."""

from __future__ import annotations

import json
from typing import Any

import pytest
from PySide6.QtGui import QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QTextEdit,
    QWidget,
)

from app.core.chat.presets import TRANSLATE
from app.gui.theme import apply_theme
from tests.gui_windows import OpenWindow, send, wait_answered, wait_ready

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise")

CONTROLS = (QAbstractButton, QAbstractItemView, QAbstractSpinBox, QComboBox, QLineEdit, QTextEdit)


def test_keyboard_shortcuts(qtbot: Any, open_window: OpenWindow) -> None:
    window = open_window()
    shortcuts = {
        "new chat": window.new_chat_action,
        "add documents": window.add_documents_action,
        "search": window.search_action,
        "stop": window.stop_action,
        "settings": window.settings_action,
        "models": window.models_action,
    }
    shown = {name: action.shortcut().toString() for name, action in shortcuts.items()}
    assert shown == {
        "new chat": "Ctrl+N",
        "add documents": QKeySequence(QKeySequence.StandardKey.Open).toString(),
        "search": QKeySequence(QKeySequence.StandardKey.Find).toString(),
        "stop": "Esc",
        "settings": "Ctrl+,",
        "models": "Ctrl+M",
    }
    assert shown["add documents"] == "Ctrl+O"
    assert shown["search"] == "Ctrl+F"
    window.activateWindow()
    window.search_action.trigger()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.panel.search_field)


def _unnamed(root: QWidget) -> list[str]:
    missing: list[str] = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, CONTROLS) or not widget.isVisibleTo(root):
            continue
        if isinstance(widget, QHeaderView) or isinstance(
            widget.parent(), QAbstractSpinBox | QComboBox
        ):
            continue  # parts of a named control: a table's header, a spin box's text field
        text = widget.text() if isinstance(widget, QAbstractButton) else ""
        if not (widget.accessibleName() or text.replace("&", "").strip()):
            missing.append(f"{type(widget).__name__} {widget.objectName()!r}")
    return missing


def test_every_control_has_an_accessible_name(qtbot: Any, open_window: OpenWindow) -> None:
    window = open_window()
    wait_ready(qtbot, window)
    send(qtbot, window, "Hi")
    wait_answered(qtbot, window)
    assert _unnamed(window) == []
    models = window.show_models()
    assert _unnamed(models) == []
    models.close()
    settings = window.show_settings()
    assert _unnamed(settings) == []
    settings.close()


def test_settings_apply_without_restart_and_are_saved(qtbot: Any, open_window: OpenWindow) -> None:
    window = open_window()
    wait_ready(qtbot, window)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    try:
        changed = window._services.settings.updated(theme="dark", context_length=1024)
        window.on_settings_accepted(changed)
        qtbot.waitUntil(lambda: window._services.settings.theme == "dark", timeout=5000)
        window_colour = app.palette().color(QPalette.ColorRole.Window)
        assert window_colour.lightness() < 100  # the dark palette is on
        saved = json.loads(window._services.paths.settings_file.read_text())
        assert saved["theme"] == "dark"
        assert saved["context_length"] == 1024
        qtbot.waitUntil(lambda: window.model_state == "loading", timeout=5000)  # reloading
        wait_ready(qtbot, window)
    finally:
        apply_theme(app, "system", None)


def test_a_preset_becomes_the_conversation_system_prompt(
    qtbot: Any, open_window: OpenWindow
) -> None:
    window = open_window()
    wait_ready(qtbot, window)
    box = window.composer.preset_box
    box.setCurrentIndex(box.findData(TRANSLATE))
    send(qtbot, window, "Buenos dias")  # QTest types ASCII only
    wait_answered(qtbot, window)
    cid = window.conversation_id
    assert cid is not None
    store = window._services.store
    assert store.get_conversation(cid).system_prompt == TRANSLATE.prompt

    window.on_new_chat()
    assert window.composer.chosen_preset() is not TRANSLATE  # back to the settings' prompt
    window.panel.conversation_chosen.emit(cid)
    qtbot.waitUntil(lambda: window.composer.chosen_preset() is TRANSLATE, timeout=5000)


def test_deleting_the_conversation_on_screen_clears_it(qtbot: Any, open_window: OpenWindow) -> None:
    window = open_window()
    wait_ready(qtbot, window)
    send(qtbot, window, "Hello")
    wait_answered(qtbot, window)
    cid = window.conversation_id
    assert cid is not None
    window.panel.conversation_deleted.emit(cid)  # as the panel does after the store deleted it
    assert window.conversation_id is None
    assert window.chat_view.messages() == []


def test_the_model_ready_message_never_hides_a_job_report(
    qtbot: Any, open_window: OpenWindow
) -> None:
    window = open_window()
    report = "1 indexed, 1 failed."
    window.on_status_posted(report, 10_000)  # a job ended while the model was loading
    assert window.model_state == "loading"
    wait_ready(qtbot, window)
    assert window.status.currentMessage() == report

    window.status.clearMessage()
    window.load_model()
    wait_ready(qtbot, window)
    assert window.status.currentMessage() == "Gemma 3 270m is ready."
