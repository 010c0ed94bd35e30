"""The first-run welcome, shown once per installation."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QApplication, QLabel

from app.core.paths import app_paths
from app.gui.welcome import WelcomeDialog, first_run
from tests.gui_windows import OpenWindow


def test_first_run_is_true_once(confidente_home: Any) -> None:
    paths = app_paths()
    assert first_run(paths)
    assert not first_run(paths)
    assert (paths.config / "welcomed").is_file()


def test_the_welcome_says_where_data_lives_and_how_to_get_a_better_model(
    qtbot: Any, open_window: OpenWindow
) -> None:
    window = open_window()
    window.welcome_if_first_run()
    qtbot.waitUntil(lambda: window.welcome_dialog is not None, timeout=5000)
    dialog = window.welcome_dialog
    assert isinstance(dialog, WelcomeDialog)
    assert dialog.isVisible()
    label = dialog.findChild(QLabel, "welcomeText")
    assert label is not None
    shown = label.text()
    paths = window._services.paths
    assert str(paths.data) in shown
    assert "never sends" in shown
    assert "Models…" in shown
    dialog.accept()

    window.welcome_dialog = None
    window.welcome_if_first_run()  # the second start of the same installation
    done: list[bool] = []
    window.tasks.run_in_background(lambda: True, done.append)  # runs after the check
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    assert window.welcome_dialog is None


def test_a_welcome_checked_as_the_window_closes_never_outlives_it(
    qtbot: Any, open_window: OpenWindow
) -> None:
    """Closing the window before the first-run check answers: no welcome appears, as it
    would be the app's last window and keep it running with no main window."""
    window = open_window()
    window.welcome_if_first_run()
    window.close()
    done: list[bool] = []
    window.tasks.run_in_background(lambda: True, done.append)  # runs after the check
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    assert window.welcome_dialog is None
    assert not [w for w in QApplication.topLevelWidgets() if w.isVisible()]
