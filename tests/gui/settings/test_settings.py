"""The Settings dialog (values shown, given out only when valid, problems said in place)
and the themes and font size of the whole application."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QSpinBox, QWidget

from app.core.documents.embedder import MANIFEST_FILE, EmbedderManifest, embedders_folder
from app.core.settings import Settings
from app.gui.settings.dialog import (
    PROBLEM_PREFIX,
    STARTER_EMBEDDER_TEXT,
    STARTER_MODEL_TEXT,
    SettingsDialog,
    describe_effects,
)
from app.gui.settings.widgets import AutoSpinBox
from app.gui.theme import SYSTEM_STYLE_PROPERTY, apply_theme, palette_for, system_font

WINDOW = QPalette.ColorRole.Window
TEXT = QPalette.ColorRole.WindowText

CUSTOM = Settings(
    model_path="/models/qwen2.5-3b-instruct-q4_k_m.gguf",
    gpu_layers=-1,
    context_length=8192,
    threads=3,
    temperature=0.333,  # more decimals than the dialog shows
    top_p=0.8,
    max_tokens=300,
    sources=7,
    embedding_model="/models/embedder",
    chunk_size=1200,
    chunk_overlap=100,
    theme="dark",
    language="es",
    font_size=14,
)


def open_dialog(qtbot: Any, settings: Settings) -> SettingsDialog:
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def spin(dialog: SettingsDialog, name: str) -> QSpinBox:
    widget = dialog.fields[name].widget
    assert isinstance(widget, QSpinBox)
    return widget


def combo(dialog: SettingsDialog, name: str) -> QComboBox:
    widget = dialog.fields[name].widget
    assert isinstance(widget, QComboBox)
    return widget


def problem(dialog: SettingsDialog) -> str:
    label = dialog.problem_label
    return label.text() if label.isVisibleTo(dialog) else ""


@pytest.fixture
def system_theme(qapp: QApplication) -> Iterator[QApplication]:
    """The application as the platform set it up; put back after the test."""
    apply_theme(qapp, "system", None)
    yield qapp
    apply_theme(qapp, "system", None)


# --- the dialog ---------------------------------------------------------------------------------


def test_the_dialog_shows_the_current_values(qtbot: Any) -> None:
    dialog = open_dialog(qtbot, CUSTOM)
    assert dialog.model_file.text() == CUSTOM.model_path
    assert dialog.model_file.isReadOnly()
    assert spin(dialog, "gpu_layers").text() == "All"
    assert spin(dialog, "context_length").value() == 8192
    assert spin(dialog, "threads").text() == "3"
    assert dialog.fields["temperature"].widget.property("value") == pytest.approx(0.33)
    assert spin(dialog, "max_tokens").value() == 300
    assert spin(dialog, "sources").value() == 7
    # Not an installed model (a folder chosen in an older version): listed as it is, kept.
    assert combo(dialog, "embedding_model").currentText() == "/models/embedder"
    assert combo(dialog, "embedding_model").currentData() == "/models/embedder"
    assert spin(dialog, "chunk_size").value() == 1200
    assert spin(dialog, "chunk_overlap").value() == 100
    assert combo(dialog, "theme").currentText() == "Dark"
    assert combo(dialog, "language").currentText() == "Español"
    assert spin(dialog, "font_size").text() == "14 pt"
    assert dialog.changes() == {}
    assert not dialog.apply_button.isEnabled()


def test_automatic_values_read_auto(qtbot: Any) -> None:
    dialog = open_dialog(qtbot, Settings())
    assert dialog.model_file.text() == STARTER_MODEL_TEXT
    assert spin(dialog, "gpu_layers").text() == "Auto"
    assert spin(dialog, "threads").text().startswith("Auto (")
    assert spin(dialog, "font_size").text() == f"Auto ({system_font().pointSize()} pt)"
    assert combo(dialog, "embedding_model").currentText() == STARTER_EMBEDDER_TEXT
    assert combo(dialog, "theme").currentData() == "system"
    values = dialog.values()
    assert (values["gpu_layers"], values["threads"], values["font_size"]) == (None, None, None)
    assert values["embedding_model"] is None


def install_embedder(id: str) -> None:
    """An embedding model's folder as a download leaves it: its manifest and modules.json."""
    folder = embedders_folder() / id
    folder.mkdir(parents=True)
    manifest = EmbedderManifest(id=id, name="Test model", dimension=384, max_tokens=128)
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest.to_json()), "utf-8")
    (folder / "modules.json").write_text("[]", "utf-8")


def choose_embedder(dialog: SettingsDialog, name: str) -> None:
    box = combo(dialog, "embedding_model")
    index = box.findText(name)
    assert index >= 0, [box.itemText(i) for i in range(box.count())]
    box.setCurrentIndex(index)


def test_ok_gives_out_valid_settings_with_the_changes(qtbot: Any) -> None:
    install_embedder("test-model")
    dialog = open_dialog(qtbot, CUSTOM)
    dialog.set_embedders([("test-model", "Test model")])  # as listed in the background
    assert dialog.changes() == {}  # listing them is no edit
    spin(dialog, "gpu_layers").setValue(20)
    spin(dialog, "threads").setValue(spin(dialog, "threads").minimum())  # Auto
    spin(dialog, "context_length").setValue(2048)
    spin(dialog, "max_tokens").setValue(1000)
    spin(dialog, "sources").setValue(3)
    choose_embedder(dialog, "Test model")
    combo(dialog, "theme").setCurrentIndex(combo(dialog, "theme").findData("light"))
    combo(dialog, "language").setCurrentIndex(combo(dialog, "language").findData("en"))
    spin(dialog, "font_size").setValue(18)
    assert dialog.apply_button.isEnabled()
    with qtbot.waitSignal(dialog.settings_accepted, timeout=1000) as accepted:
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert accepted.args is not None
    new = accepted.args[0]
    assert isinstance(new, Settings)
    assert new == CUSTOM.updated(
        gpu_layers=20,
        threads=None,
        context_length=2048,
        max_tokens=1000,
        sources=3,
        embedding_model="test-model",
        theme="light",
        language="en",
        font_size=18,
    )
    assert new.temperature == 0.333  # untouched, so not rounded to what the box shows
    assert new.model_path == CUSTOM.model_path
    assert dialog.result() == SettingsDialog.DialogCode.Accepted
    assert not dialog.isVisible()


def test_typed_text_counts(qtbot: Any) -> None:
    dialog = open_dialog(qtbot, Settings())
    gpu = spin(dialog, "gpu_layers")
    gpu.lineEdit().selectAll()
    qtbot.keyClicks(gpu, "All")
    assert dialog.values()["gpu_layers"] == -1
    tokens = spin(dialog, "max_tokens")
    tokens.lineEdit().selectAll()
    qtbot.keyClicks(tokens, "1024")
    with qtbot.waitSignal(dialog.settings_accepted, timeout=1000) as accepted:
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert accepted.args == [Settings(gpu_layers=-1, max_tokens=1024)]


def test_an_invalid_combination_is_explained_and_nothing_is_given_out(qtbot: Any) -> None:
    dialog = open_dialog(qtbot, Settings())
    spin(dialog, "context_length").setValue(1024)
    spin(dialog, "max_tokens").setValue(2048)
    spin(dialog, "sources").setValue(9)
    dialog.tabs.setCurrentIndex(0)
    with qtbot.assertNotEmitted(dialog.settings_accepted):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert problem(dialog).startswith(PROBLEM_PREFIX)
    assert "Max tokens per answer = 2048" in problem(dialog)
    assert "smaller than Context length (1024)" in problem(dialog)
    assert dialog.problem_label.accessibleName() == "Problem"
    # The field to fix is shown and has the focus; nothing the user typed is lost.
    assert dialog.tabs.currentIndex() == 1
    assert dialog.focusWidget() is spin(dialog, "max_tokens")
    assert dialog.changes() == {"context_length": 1024, "max_tokens": 2048, "sources": 9}

    spin(dialog, "max_tokens").setValue(512)
    with qtbot.waitSignal(dialog.settings_accepted, timeout=1000) as accepted:
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert accepted.args == [Settings(context_length=1024, max_tokens=512, sources=9)]
    assert problem(dialog) == ""


def test_too_much_overlap_is_explained_on_its_page(qtbot: Any) -> None:
    dialog = open_dialog(qtbot, Settings())
    spin(dialog, "chunk_size").setValue(400)
    spin(dialog, "chunk_overlap").setValue(250)
    with qtbot.assertNotEmitted(dialog.settings_accepted):
        qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert "Chunk overlap = 250: it must be at most half of Chunk size (400)" in problem(dialog)
    assert dialog.tabs.currentIndex() == 2
    assert dialog.focusWidget() is spin(dialog, "chunk_overlap")
    assert spin(dialog, "chunk_overlap").value() == 250


def test_the_embedding_models_offered_are_the_installed_ones(qtbot: Any) -> None:
    dialog = open_dialog(qtbot, Settings(embedding_model="test-model"))
    box = combo(dialog, "embedding_model")
    assert box.currentData() == "test-model"  # before the list arrives
    dialog.set_embedders([("test-model", "Test model"), ("other-model", "Other model")])
    assert [box.itemText(i) for i in range(box.count())] == [
        STARTER_EMBEDDER_TEXT,
        "Test model",
        "Other model",
    ]
    assert box.currentText() == "Test model"
    assert dialog.changes() == {}
    choose_embedder(dialog, STARTER_EMBEDDER_TEXT)
    assert dialog.changes() == {"embedding_model": None}  # the built-in one


def test_an_embedding_model_deleted_since_it_was_listed_is_refused(qtbot: Any) -> None:
    dialog = open_dialog(qtbot, Settings())
    dialog.set_embedders([("gone-model", "Gone model")])
    choose_embedder(dialog, "Gone model")
    with qtbot.assertNotEmitted(dialog.settings_accepted):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "gone-model is not installed" in problem(dialog)
    assert dialog.isVisible()
    assert dialog.tabs.currentIndex() == 2
    assert combo(dialog, "embedding_model").currentText() == "Gone model"


def test_apply_gives_out_and_keeps_the_dialog_open(qtbot: Any) -> None:
    dialog = open_dialog(qtbot, Settings())
    assert not dialog.apply_button.isEnabled()
    spin(dialog, "sources").setValue(8)
    assert dialog.apply_button.isEnabled()
    with qtbot.waitSignal(dialog.settings_accepted, timeout=1000) as accepted:
        qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert accepted.args == [Settings(sources=8)]
    assert dialog.isVisible()
    assert dialog.settings == Settings(sources=8)
    assert not dialog.apply_button.isEnabled()  # nothing new since
    with qtbot.assertNotEmitted(dialog.settings_accepted):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


def test_cancel_and_restore_defaults_give_out_nothing(qtbot: Any) -> None:
    dialog = open_dialog(qtbot, CUSTOM)
    with qtbot.assertNotEmitted(dialog.settings_accepted):
        qtbot.mouseClick(dialog.defaults_button, Qt.MouseButton.LeftButton)
    defaults = Settings()
    assert dialog.values() == {name: getattr(defaults, name) for name in dialog.fields}
    assert dialog.apply_button.isEnabled()
    with qtbot.assertNotEmitted(dialog.settings_accepted):
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == SettingsDialog.DialogCode.Rejected


def test_every_control_is_named_labelled_and_in_order(qtbot: Any) -> None:
    dialog = open_dialog(qtbot, Settings())
    unnamed = [w for w in dialog.controls() if not w.accessibleName()]
    assert unnamed == []
    buddies = {label.buddy() for label in dialog.findChildren(QLabel)}
    assert all(field.widget in buddies for field in dialog.fields.values())
    assert all("&" in dialog.tabs.tabText(i) for i in range(dialog.tabs.count()))
    # Tab moves through each page's fields from top to bottom.
    fields = [field.widget for field in dialog.fields.values()]
    chain: list[QWidget] = []
    widget = dialog.nextInFocusChain()
    while widget is not None and widget is not dialog:
        if widget in fields and widget not in chain:
            chain.append(widget)
        widget = widget.nextInFocusChain()
    assert chain == fields


def test_the_dialog_fits_a_small_screen(qtbot: Any) -> None:
    dialog = open_dialog(qtbot, CUSTOM)
    small = QSize(800, 600)
    assert dialog.size().boundedTo(small) == dialog.size()
    assert dialog.minimumSizeHint().boundedTo(small) == dialog.minimumSizeHint()


def test_auto_spin_box_reads_none_at_auto() -> None:
    box = AutoSpinBox(8, 32)
    box.set_optional_value(None)
    assert (box.text(), box.optional_value()) == ("Auto", None)
    box.set_optional_value(8)
    assert (box.text(), box.optional_value()) == ("8", 8)


def test_what_each_change_needs() -> None:
    assert describe_effects({"theme", "font_size"}) == []
    assert describe_effects({"threads"}) == ["The model is loading again with the new settings."]
    assert "re-index" in " ".join(describe_effects({"chunk_size"}))
    assert describe_effects({"language"}) == []  # it changes at once
    assert describe_effects({"temperature"}) == [
        "The new answer settings apply from the next answer."
    ]


# --- themes and font size ----------------------------------------------------------------------


def test_dark_and_light_themes_change_the_palette_and_system_restores_it(
    qtbot: Any, system_theme: QApplication
) -> None:
    app = system_theme
    system_palette = QPalette(app.palette())
    system_style = app.style().name()
    label = QLabel("Confidente")
    qtbot.addWidget(label)
    label.show()

    apply_theme(app, "dark", None)
    dark = app.palette()
    assert app.style().name().lower() == "fusion"
    assert dark.color(WINDOW) == palette_for("dark").color(WINDOW)
    assert dark.color(TEXT).lightness() > dark.color(WINDOW).lightness() + 100
    qtbot.waitUntil(lambda: label.palette().color(WINDOW) == dark.color(WINDOW))

    apply_theme(app, "light", None)
    light = app.palette()
    assert dark.color(WINDOW).lightness() < light.color(WINDOW).lightness() - 100
    assert dark.color(QPalette.ColorRole.Base).lightness() < 64
    assert light.color(TEXT).lightness() < light.color(WINDOW).lightness() - 100
    qtbot.waitUntil(lambda: label.palette().color(WINDOW) == light.color(WINDOW))

    apply_theme(app, "system", None)
    assert app.palette() == system_palette
    assert app.style().name() == system_style
    assert app.property(SYSTEM_STYLE_PROPERTY) == system_style


def test_the_dark_palette_dims_disabled_text() -> None:
    dark = palette_for("dark")
    group = QPalette.ColorGroup
    enabled = dark.color(group.Active, QPalette.ColorRole.Text).lightness()
    disabled = dark.color(group.Disabled, QPalette.ColorRole.Text).lightness()
    assert disabled < enabled - 60
    assert dark.color(group.Disabled, QPalette.ColorRole.Text) != dark.color(
        group.Disabled, QPalette.ColorRole.Base
    )


def test_a_problem_is_readable_in_the_dark_theme(qtbot: Any, system_theme: QApplication) -> None:
    apply_theme(system_theme, "dark", None)
    dialog = open_dialog(qtbot, Settings())
    spin(dialog, "max_tokens").setValue(5000)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    colour = dialog.problem_label.palette().color(TEXT)
    assert colour.lightness() > dialog.palette().color(WINDOW).lightness() + 80
    assert colour.red() > colour.green()  # still red


def test_font_size_applies_to_the_application_and_auto_restores_it(
    qtbot: Any, system_theme: QApplication
) -> None:
    app = system_theme
    system_size = QFont(app.font()).pointSize()
    label = QLabel("Confidente")
    qtbot.addWidget(label)
    label.show()
    apply_theme(app, "system", 20)
    assert app.font().pointSize() == 20
    qtbot.waitUntil(lambda: label.font().pointSize() == 20)
    assert QLabel("new").font().pointSize() == 20
    apply_theme(app, "dark", 11)
    assert app.font().pointSize() == 11
    apply_theme(app, "system", None)
    assert app.font().pointSize() == system_size == system_font().pointSize()


def test_an_unknown_theme_is_a_bug(system_theme: QApplication) -> None:
    with pytest.raises(ValueError, match="unknown theme"):
        apply_theme(system_theme, "neon", None)


def test_showing_new_settings_drops_edits_and_the_problem(qtbot: Any) -> None:
    """The window reuses one dialog: each opening starts from the settings in use."""
    dialog = open_dialog(qtbot, Settings())
    spin(dialog, "max_tokens").setValue(9000)
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert problem(dialog)
    dialog.show_settings(CUSTOM)
    assert problem(dialog) == ""
    assert dialog.changes() == {}
    assert dialog.settings == CUSTOM
    assert dialog.model_file.text() == CUSTOM.model_path
    assert spin(dialog, "max_tokens").value() == CUSTOM.max_tokens


def test_a_problem_quoting_markup_is_shown_literally(qtbot: Any) -> None:
    dialog = open_dialog(qtbot, Settings())
    dialog._show_problem("<b>model</b><img src=x>.gguf is not a model")
    label = dialog.problem_label
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert "<b>model</b><img src=x>.gguf" in problem(dialog)
