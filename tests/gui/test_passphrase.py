"""With no keychain, the window's start asks for the passphrase in a dialog."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from app.core import data_key
from app.core.data_key import PassphraseNeeded, unlock
from app.core.paths import AppPaths, app_paths
from app.gui.passphrase import PassphraseDialog, ask_passphrase

PASSPHRASE = "la marea sube a las siete"


@pytest.fixture
def paths() -> Iterator[AppPaths]:
    before = keyring.get_keyring()
    # As on a desktop with no keychain:
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]
    opened = app_paths().ensure()
    yield opened
    data_key.forget(opened)
    keyring.set_keyring(before)


def answer_dialogs(steps: list[Callable[[PassphraseDialog], None]], seen: list[str]) -> None:
    """Each time a passphrase dialog is up, note what it says and do the next step."""

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, PassphraseDialog) and dialog.isVisible():
            seen.append(dialog.problem_label.text() if dialog.problem_label.isVisible() else "")
            steps.pop(0)(dialog)
        if steps:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(20, poll)


def type_and_ok(first: str, second: str = "") -> Callable[[PassphraseDialog], None]:
    def step(dialog: PassphraseDialog) -> None:
        dialog.passphrase.setText(first)
        dialog.again.setText(second)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    return step


def test_a_passphrase_is_chosen_in_the_dialog_then_asked_on_the_next_start(
    qtbot: Any, paths: AppPaths
) -> None:
    seen: list[str] = []
    answer_dialogs(
        [
            type_and_ok(PASSPHRASE, "a typo"),  # stays open: the two differ
            type_and_ok("short", "short"),  # closes; the core asks again
            type_and_ok(PASSPHRASE, PASSPHRASE),
        ],
        seen,
    )
    key = unlock(paths, ask_passphrase)
    assert key.method == "passphrase"
    assert seen == [
        "",
        "The two passphrases differ. Type them again.",
        "Use at least 8 characters.",
    ]

    data_key.forget(paths)
    seen.clear()
    answer_dialogs([type_and_ok("not the passphrase"), type_and_ok(PASSPHRASE)], seen)
    assert unlock(paths, ask_passphrase) == key
    assert seen == ["", "That passphrase does not open your data. Try again."]


def test_cancel_opens_nothing(qtbot: Any, paths: AppPaths) -> None:
    seen: list[str] = []
    answer_dialogs([lambda dialog: dialog.reject()], seen)
    with pytest.raises(PassphraseNeeded, match="No passphrase was chosen"):
        unlock(paths, ask_passphrase)
    assert seen == [""]
    assert not (paths.data / data_key.KEY_FILE).exists()
