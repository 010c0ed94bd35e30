"""An embedding model from a folder of the user's, chosen in the Settings dialog: checked
when chosen (a wrong folder is refused and changes nothing), saved with OK, and then the
offer to re-index the Documents pane's library, made only when the library needs it.

The folder picker is the system's, so `QFileDialog.getExistingDirectory` is replaced by
one that "picks" a given folder. The model folders are the real packaged MiniLM: its own
folder, and a folder of links to its files (a model of the user's).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFileDialog, QMessageBox, QWidget

from app.core.documents.embedder import STARTER_EMBEDDER, embedder_location
from app.core.documents.service import DocumentService
from app.core.settings import Settings
from app.gui.settings.dialog import STARTER_EMBEDDER_TEXT, SettingsDialog
from tests.core.documents.test_embedder_switch import linked_model
from tests.gui.models.test_embedders import box_named, button, index_a_note, wait_for_offer
from tests.gui_windows import Opened

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise")

CHECK_TIMEOUT_MS = 30_000


class Picker:
    """Stands in for the system's folder picker: "picks" `folder` ("" is Cancel)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.folder = ""
        self.asked: list[tuple[Any, ...]] = []
        monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(self.pick))

    def pick(self, *args: Any) -> str:
        self.asked.append(args)
        return self.folder


@pytest.fixture
def picker(monkeypatch: pytest.MonkeyPatch) -> Picker:
    return Picker(monkeypatch)


def open_dialog(qtbot: Any, settings: Settings) -> SettingsDialog:
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def combo(dialog: SettingsDialog) -> QComboBox:
    widget = dialog.fields["embedding_model"].widget
    assert isinstance(widget, QComboBox)
    return widget


def choose_folder(qtbot: Any, dialog: SettingsDialog, picker: Picker, folder: Path | str) -> None:
    picker.folder = str(folder)
    dialog.tabs.setCurrentIndex(2)
    qtbot.mouseClick(dialog.embedder_folder_button, Qt.MouseButton.LeftButton)


def boxes(parent: QWidget) -> list[QMessageBox]:
    return [b for b in parent.findChildren(QMessageBox) if b.isVisible()]


def test_a_folder_without_a_model_is_refused_and_changes_nothing(
    qtbot: Any, picker: Picker, tmp_path: Path
) -> None:
    dialog = open_dialog(qtbot, Settings())
    dialog.set_embedders([("test-model", "Test model")])
    assert dialog.embedder_folder_button.text() == "Choose a &folder…"
    assert dialog.embedder_folder_button in dialog.controls()
    listed = [combo(dialog).itemText(i) for i in range(combo(dialog).count())]

    choose_folder(qtbot, dialog, picker, "")  # the picker cancelled
    assert boxes(dialog) == []
    assert dialog.changes() == {}

    documents = tmp_path / "my documents"
    documents.mkdir()
    (documents / "report.txt").write_text("Not a model.", "utf-8")
    choose_folder(qtbot, dialog, picker, documents)
    [(parent, caption, start)] = picker.asked[1:]
    assert parent is dialog
    assert caption == "Choose the folder of an embedding model"
    assert start == ""  # the built-in model has no folder of the user's to start from
    [refused] = boxes(dialog)
    assert refused.windowTitle() == "Not an embedding model"
    assert refused.text().startswith(
        f"“{documents}” does not hold a sentence-transformers model: such a folder has a "
        "modules.json or config.json file"
    )
    assert "neither modules.json nor config.json" in refused.detailedText()
    assert [combo(dialog).itemText(i) for i in range(combo(dialog).count())] == listed
    assert combo(dialog).currentData() is None
    assert dialog.changes() == {}
    assert not dialog.apply_button.isEnabled()
    refused.close()
    with qtbot.assertNotEmitted(dialog.settings_accepted):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def test_a_model_folder_is_chosen_and_given_out_with_ok(
    qtbot: Any, picker: Picker, tmp_path: Path
) -> None:
    dialog = open_dialog(qtbot, Settings(embedding_model="test-model"))
    dialog.set_embedders([("test-model", "Test model")])
    mine = linked_model(tmp_path / "my model")
    choose_folder(qtbot, dialog, picker, mine)
    assert boxes(dialog) == []
    assert combo(dialog).currentData() == str(mine.resolve())
    assert combo(dialog).currentText() == str(mine.resolve())
    assert dialog.changes() == {"embedding_model": str(mine.resolve())}
    assert dialog.apply_button.isEnabled()
    assert dialog.embedder_text(str(mine.resolve())) == str(mine.resolve())

    # The packaged model's own folder is the built-in model, chosen as such.
    choose_folder(qtbot, dialog, picker, embedder_location(None))
    assert boxes(dialog) == []
    assert combo(dialog).currentText() == STARTER_EMBEDDER_TEXT
    assert dialog.changes() == {"embedding_model": None}
    assert dialog.embedder_text(None) == STARTER_EMBEDDER_TEXT

    choose_folder(qtbot, dialog, picker, mine)
    assert picker.asked[-1][2] == ""  # started from the built-in model: no folder
    with qtbot.waitSignal(dialog.settings_accepted, timeout=1000) as accepted:
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert accepted.args == [Settings(embedding_model=str(mine.resolve()))]
    dialog.show_settings(Settings(embedding_model=str(mine.resolve())))
    choose_folder(qtbot, dialog, picker, "")
    assert picker.asked[-1][2] == str(mine.resolve())  # the picker opens at the one in use


def test_a_folder_chosen_in_settings_offers_reindexing_only_when_the_library_needs_it(
    qtbot: Any, starter_window: Opened, picker: Picker, tmp_path: Path
) -> None:
    window, services = starter_window.window, starter_window.services
    documents = services.documents
    assert isinstance(documents, DocumentService)
    index_a_note(qtbot, starter_window, tmp_path)
    mine = linked_model(tmp_path / "my model")

    dialog = window.show_settings()
    choose_folder(qtbot, dialog, picker, mine)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    offer = wait_for_offer(qtbot, window)
    assert offer.parent() is window  # the dialog closed with OK
    assert f"New libraries now use {mine.resolve()}." in offer.text()
    assert services.settings.embedding_model == str(mine.resolve())
    button(offer, "Later").click()

    # The built-in model's folder: the model the library was indexed with, so no offer.
    dialog = window.show_settings()
    assert combo(dialog).currentData() == str(mine.resolve())
    choose_folder(qtbot, dialog, picker, embedder_location(None))
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: "already uses" in window.status.currentMessage(), timeout=CHECK_TIMEOUT_MS
    )
    assert window.status.currentMessage() == (
        f"“default” already uses {STARTER_EMBEDDER_TEXT}: there is nothing to re-index."
    )
    assert services.settings.embedding_model is None
    assert box_named(window, "reindexOffer") is None
    library = documents.catalog.library("default")
    assert library is not None
    assert library.embedding_model == STARTER_EMBEDDER
