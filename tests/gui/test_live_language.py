"""Changing the language in Settings changes the whole interface at once, without a restart:
menus, buttons, the message box's hint, the Documents pane, the status bar, the open
Settings dialog, and messages already on screen; and back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QApplication, QComboBox, QDialogButtonBox

from app.core.documents.process import DocumentsProcess
from app.core.documents.records import Source
from app.core.paths import AppPaths
from app.core.settings import Settings
from app.gui.documents.source_viewer import SourceViewer
from app.gui.i18n import switch_language, ui_language
from app.gui.main_window import MainWindow
from app.gui.settings.dialog import SettingsDialog
from app.gui.tasks import TaskManager
from app.gui.welcome import WelcomeDialog
from tests.gui_windows import OpenWindow, send, wait_answered, wait_ready

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise")


@pytest.fixture
def back_to_english(qapp: QApplication) -> Iterator[None]:
    """Whatever the test leaves installed, later tests see English and the same locale."""
    locale = QLocale()
    yield
    switch_language(qapp, "en")
    QLocale.setDefault(locale)


def choose_language(
    qtbot: Any, window: MainWindow, code: str, *, keep_open: bool
) -> SettingsDialog:
    """As the user does: Settings…, Appearance, Language, then Apply (or OK)."""
    window.settings_action.trigger()
    dialog = window.settings_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    dialog.tabs.setCurrentIndex(3)
    language = dialog.fields["language"].widget
    assert isinstance(language, QComboBox)
    language.setCurrentIndex(language.findData(code))
    button = dialog.apply_button if keep_open else dialog.ok_button
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    return dialog


def menu_titles(window: MainWindow) -> list[str]:
    return [action.text() for action in window.menuBar().actions()]


def test_the_language_changes_at_once_and_back(
    qtbot: Any, open_window: OpenWindow, back_to_english: None
) -> None:
    window = open_window()
    wait_ready(qtbot, window)
    send(qtbot, window, "Hi")
    wait_answered(qtbot, window)
    assert ui_language() == "en"
    assert menu_titles(window) == ["&Chat", "&Documents", "&Model"]
    question = window.chat_view.messages()[0]
    assert question.speaker.text() == "You"

    dialog = choose_language(qtbot, window, "es", keep_open=True)
    qtbot.waitUntil(lambda: window.new_chat_action.text() == "&Nuevo chat", timeout=5000)
    assert ui_language() == "es"
    assert window._services.settings.language == "es"
    # Menus and actions.
    assert menu_titles(window) == ["&Chat", "&Documentos", "&Modelo"]
    assert window.settings_action.text() == "&Ajustes…"
    assert window.models_action.text() == "&Modelos…"
    assert window.documents_dock.toggleViewAction().text() == "Documentos"
    # The conversation panel and the composer, its hint (a placeholder) and tooltips.
    assert window.panel.new_chat_button.text() == "Nuevo chat"
    assert window.panel.search_field.placeholderText() == "Buscar en las conversaciones"
    composer = window.composer
    assert composer.send_button.text() == "Enviar"
    assert composer.send_button.accessibleName() == "Enviar"
    assert composer.stop_button.text() == "Detener"
    assert composer.editor.placeholderText().startswith("Escribe un mensaje")
    assert composer.documents_toggle.text() == "Responder con los documentos: default"
    assert composer.preset_box.itemText(0) == "Asistente general"  # core's Spanish label
    # The Documents pane.
    documents = window.documents_panel
    assert documents.add_files_button.text() == "Añadir archivos…"
    assert documents.library_combo.accessibleName() == "Biblioteca"
    assert documents.empty_label.text().startswith("Todavía no hay documentos")
    # The status bar and the banner.
    status = window.status
    assert "tokens de contexto" in status.model_label.toolTip()
    assert status.model_label.accessibleName() == "Modelo"
    assert status.speed_label.accessibleName() == "Velocidad de la última respuesta"
    assert status.speed_label.toolTip().startswith("Última respuesta")
    assert window.banner.retry_button.text() == "Reintentar la carga"
    # The messages on screen, and the Settings dialog, still open after Apply.
    assert question.speaker.text() == "Tú"
    assert dialog.isVisible()
    assert dialog.windowTitle() == "Ajustes"
    assert dialog.tabs.tabText(3) == "Apari&encia"
    assert dialog.labels["language"] == "Idioma"
    assert "siguiente" not in window.status.currentMessage()  # no "at the next start"

    choose_language(qtbot, window, "en", keep_open=False)
    qtbot.waitUntil(lambda: window.new_chat_action.text() == "&New chat", timeout=5000)
    assert ui_language() == "en"
    assert menu_titles(window) == ["&Chat", "&Documents", "&Model"]
    assert composer.send_button.text() == "Send"
    assert composer.editor.placeholderText().startswith("Write a message")
    assert documents.add_files_button.text() == "Add files…"
    assert status.speed_label.accessibleName() == "Speed of the last answer"
    assert question.speaker.text() == "You"
    assert dialog.windowTitle() == "Settings"


def test_open_dialogs_change_language_too(
    qtbot: Any, qapp: QApplication, tmp_path: Path, back_to_english: None
) -> None:
    paths = AppPaths(tmp_path / "data", tmp_path / "config", tmp_path / "models", tmp_path / "c")
    welcome = WelcomeDialog(paths)
    qtbot.addWidget(welcome)
    welcome.show()
    start = welcome.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert start.text() == "Start"

    switch_language(qapp, "es")
    qtbot.waitUntil(lambda: welcome.windowTitle() == "Te damos la bienvenida a Confidente")
    assert start.text() == "Empezar"  # not the button box's own "OK", named again after it
    assert welcome.text.text().startswith("\n<h2>Te damos la bienvenida")

    switch_language(qapp, "en")
    qtbot.waitUntil(lambda: welcome.windowTitle() == "Welcome to Confidente")
    assert start.text() == "Start"


def test_the_source_viewer_changes_language_with_its_source_named_again(
    qtbot: Any, qapp: QApplication, tmp_path: Path, back_to_english: None
) -> None:
    note = tmp_path / "note.txt"
    note.write_text("The harbour master keeps the tide tables.\n")
    tasks = TaskManager()
    documents = DocumentsProcess(
        AppPaths(tmp_path / "data", tmp_path / "config", tmp_path / "models", tmp_path / "c"),
        Settings,
    )
    viewer = SourceViewer(documents, tasks)
    qtbot.addWidget(viewer)
    try:
        assert viewer.windowTitle() == "Source"
        viewer.show_source(Source(1, str(note), 3, "tide tables", 1.0, 0, 10, "text"))
        assert viewer.windowTitle() == "[1] note.txt, page 3"

        switch_language(qapp, "es")
        qtbot.waitUntil(lambda: viewer.windowTitle() == "[1] note.txt, página 3")
        assert viewer.header.text() == "[1] note.txt — página 3"
        assert viewer.accessibleName() == "Visor de fuentes"

        switch_language(qapp, "en")
        qtbot.waitUntil(lambda: viewer.windowTitle() == "[1] note.txt, page 3")
        assert viewer.accessibleName() == "Source viewer"
    finally:
        tasks.stop()
        tasks.join()
        documents.close()
