"""Settings → Privacy → "Erase all my data…": asks first, then erases it all and quits."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication, QMessageBox

from app.core.erase import Erased
from tests.gui_windows import OpenWindow, wait_ready


def message_box(name: str) -> QMessageBox | None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox) and widget.objectName() == name and widget.isVisible():
            return widget
    return None


def click(box: QMessageBox, text: str) -> None:
    [button] = [b for b in box.buttons() if b.text().replace("&", "") == text]
    button.click()


def test_erase_all_my_data_asks_then_erases_everything_and_quits(
    qtbot: Any, open_window: OpenWindow, home: Path, keychain_file: Path
) -> None:
    window = open_window()
    wait_ready(qtbot, window)
    services = window._services
    services.store.create_conversation("Informe clínico reservado")
    assert json.loads(keychain_file.read_text())  # the data key is in the keychain
    settings = window.show_settings()

    settings.erase_button.click()
    qtbot.waitUntil(lambda: message_box("eraseConfirmation") is not None, timeout=5000)
    confirmation = message_box("eraseConfirmation")
    assert confirmation is not None
    assert confirmation.defaultButton() is confirmation.button(QMessageBox.StandardButton.Cancel)
    click(confirmation, "Cancel")
    assert window.isVisible()
    assert services.paths.conversations_db.exists()

    settings.erase_button.click()
    qtbot.waitUntil(lambda: message_box("eraseConfirmation") is not None, timeout=5000)
    confirmation = message_box("eraseConfirmation")
    assert confirmation is not None
    with qtbot.waitSignal(window.data_erased, timeout=60_000) as erased:
        click(confirmation, "Erase everything")
        qtbot.waitUntil(lambda: message_box("erasedMessage") is not None, timeout=60_000)
        assert not window.isVisible()
        assert list(home.iterdir()) == []  # data, settings, cache and models: all of it
        assert json.loads(keychain_file.read_text()) == {}  # the data key too
        done = message_box("erasedMessage")
        assert done is not None
        assert "was erased" in done.text()
        done.accept()
    [result] = erased.args
    assert isinstance(result, Erased)
    window._eraser.join(timeout=5)
    QApplication.instance().setQuitOnLastWindowClosed(True)  # type: ignore[union-attr]
