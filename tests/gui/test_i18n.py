"""The Spanish interface: every marked string translated, the shipped .qm up to date,
the window in Spanish with the translators installed, and how the language is chosen."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication

from app.core.resources import resources_dir
from app.gui.i18n import install_translators, language_for, remove_translators, ui_language
from tests.gui_windows import OpenWindow

ROOT = Path(__file__).resolve().parents[2]
I18N = resources_dir() / "i18n"
TS = I18N / "confidente_es.ts"
QM = I18N / "confidente_es.qm"
TOOLS = Path(sys.executable).parent  # the venv's bin, where pyside6-lupdate lives
PLACEHOLDER = re.compile(r"\{\w*\}|%n")


def _run(tool: str, *args: str) -> None:
    subprocess.run([str(TOOLS / tool), *args], cwd=ROOT, check=True, capture_output=True)


def _messages(ts: Path) -> list[tuple[str, str, ET.Element, list[str]]]:
    """(context, source, its <translation>, the translated texts) of every message."""
    found = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            forms = [form.text or "" for form in translation.iter("numerusform")]
            texts = forms if message.get("numerus") == "yes" else [translation.text or ""]
            found.append((name, message.findtext("source", ""), translation, texts))
    return found


def test_every_gui_string_has_a_spanish_translation(tmp_path: Path) -> None:
    """Extracted again from the sources now (as `make translations` does), into a copy
    of the committed .ts: a string marked since then would come out unfinished."""
    ts = tmp_path / TS.name
    shutil.copy(TS, ts)
    sources = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "app" / "gui").rglob("*.py"))
    _run(
        "pyside6-lupdate",
        *sources,
        "-target-language",
        "es",
        "-no-obsolete",
        "-locations",
        "none",
        "-ts",
        str(ts),
    )
    messages = _messages(ts)
    assert len(messages) > 250  # the menus, dialogs and messages of app/gui
    unfinished = [
        (context, source)
        for context, source, translation, texts in messages
        if translation.get("type") == "unfinished" or not all(text.strip() for text in texts)
    ]
    assert not unfinished, f"untranslated, run `make translations` and translate: {unfinished}"
    broken = [
        (context, source, text)
        for context, source, _, texts in messages
        for text in texts
        if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(source))
    ]
    assert not broken, f"translations that change the {{placeholders}} or %n: {broken}"


def test_the_shipped_qm_is_compiled_from_the_ts(tmp_path: Path) -> None:
    compiled = tmp_path / QM.name
    _run("pyside6-lrelease", str(TS), "-qm", str(compiled))
    assert compiled.read_bytes() == QM.read_bytes(), "run `make translations` and commit the .qm"


@pytest.fixture
def spanish(qapp: QApplication) -> Iterator[None]:
    """The Spanish translators, as run_gui installs them for language "es"; removed after,
    with the default locale they set, so later tests see English."""
    locale = QLocale()
    installed = install_translators(qapp, "es")
    yield
    remove_translators(qapp, installed)
    QLocale.setDefault(locale)


def test_the_window_speaks_spanish(qtbot: Any, spanish: None, open_window: OpenWindow) -> None:
    assert ui_language() == "es"
    window = open_window()
    menus = [action.text() for action in window.menuBar().actions()]
    assert menus == ["&Chat", "&Documentos", "&Modelo"]
    assert window.new_chat_action.text() == "&Nuevo chat"
    assert window.settings_action.text() == "&Ajustes…"
    composer = window.composer
    assert composer.send_button.text() == "Enviar"
    assert composer.send_button.accessibleName() == "Enviar"
    assert composer.stop_button.text() == "Detener"
    assert composer.editor.placeholderText().startswith("Escribe un mensaje")
    assert composer.preset_box.itemText(0) == "Asistente general"  # core's Spanish label
    assert window.panel.new_chat_button.text() == "Nuevo chat"


def test_without_translators_the_interface_is_english(qapp: QApplication) -> None:
    assert ui_language() == "en"
    assert install_translators(qapp, "en") == []


def test_the_language_setting_wins_over_the_system() -> None:
    assert language_for("es", QLocale("en_US")) == "es"
    assert language_for("en", QLocale("es_ES")) == "en"


def test_system_follows_the_locale_when_we_have_its_language() -> None:
    assert language_for("system", QLocale("es_MX")) == "es"
    assert language_for("system", QLocale("es_ES")) == "es"
    assert language_for("system", QLocale("en_GB")) == "en"
    assert language_for("system", QLocale("fr_FR")) == "en"
