"""Main windows on real Services, for the GUI tests: fixtures and small helpers.

Registered as a pytest plugin in conftest.py, so every GUI test module can ask
for `open_window` (and `home`), or `starter_window` (and `installed_starter`), without
importing fixtures by name.
"""

from __future__ import annotations

import gc
import shutil
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.core.models.starter import STARTER_FILENAME
from app.core.paths import app_paths
from app.core.services import Services
from app.gui.main_window import MainWindow
from app.gui.tasks import TaskManager

# Qt's offscreen platform (used by the tests) warns whenever a window has size limits.

LOAD_TIMEOUT_MS = 30_000
ANSWER_TIMEOUT_MS = 30_000
# Greedy decoding continues this list until it is stopped or runs out of tokens.
ENDLESS_PROMPT = "Continue this list: 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,"

OpenWindow = Callable[..., MainWindow]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("CONFIDENTE_HOME", str(home))
    return home


@pytest.fixture
def open_window(qtbot: Any, home: Path, starter_model: Path) -> Iterator[OpenWindow]:
    """Open main windows on real Services; close everything and join every thread after."""
    opened: list[tuple[MainWindow, Services]] = []
    threads_before = set(threading.enumerate())

    def open_(model_path: Path | None = None, **overrides: Any) -> MainWindow:
        overrides.setdefault("max_tokens", 24)
        services = Services(
            model_path=str(model_path or starter_model), documents_process=True, **overrides
        )
        window = MainWindow(services)
        opened.append((window, services))
        window.show()
        qtbot.waitExposed(window)
        window.load_model()
        return window

    yield open_
    for window, services in opened:
        close_window(window, services)
    leaked = [t for t in threading.enumerate() if t not in threads_before and t.is_alive()]
    assert not leaked, f"threads outlived the test: {leaked}"


@pytest.fixture
def installed_starter(confidente_home: Path, starter_model: Path) -> Path:
    """The starter where a real installation has it: assembled in the models folder
    (linked to the session's copy, with its verification stamp, so nothing is rebuilt)."""
    models = app_paths().ensure().models
    (models / STARTER_FILENAME).symlink_to(starter_model)
    stamp = starter_model.with_name(STARTER_FILENAME + ".verified.json")
    shutil.copy(stamp, models / stamp.name)
    return models / STARTER_FILENAME


@dataclass
class Opened:
    """A test's window, and the real Services under it."""

    window: MainWindow
    services: Services


@pytest.fixture
def starter_window(qtbot: Any, installed_starter: Path) -> Iterator[Opened]:
    """A window on real Services using the installed starter (no model_path), loaded and
    ready; closed after the test."""
    services = Services(max_tokens=24)
    window = MainWindow(services)
    window.show()
    qtbot.waitExposed(window)
    window.load_model()
    wait_ready(qtbot, window)
    yield Opened(window, services)
    close_window(window, services)


def close_window(window: MainWindow, services: Services) -> None:
    """Close a test's window as the app does at exit: boxes, window, workers, then delete it."""
    for box in window.findChildren(QMessageBox):
        box.close()
    window.close()
    window.shutdown()
    services.close()
    destroy(window)


def destroy(window: MainWindow) -> None:
    """Delete the window now, on this (the GUI) thread.

    Left to Python's cycle collector, it could be destroyed on whichever thread
    collects next — a model worker in a later test — and crash there.
    """
    window.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


def wait_ready(qtbot: Any, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.model_state == "ready", timeout=LOAD_TIMEOUT_MS)


def wait_answered(qtbot: Any, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.busy, timeout=ANSWER_TIMEOUT_MS)


def send(qtbot: Any, window: MainWindow, text: str) -> None:
    editor = window.composer.editor
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


@contextmanager
def quit_after(timeout_ms: int) -> Iterator[None]:
    """Stop a hung event loop instead of hanging the suite; disarmed on the way out."""
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(QApplication.quit)
    timer.start(timeout_ms)
    try:
        yield
    finally:
        timer.stop()


def visible_dialogs(window: MainWindow) -> list[QMessageBox]:
    return [box for box in window.findChildren(QMessageBox) if box.isVisible()]


def _mime(urls: Sequence[QUrl]) -> QMimeData:
    mime = QMimeData()
    mime.setUrls(list(urls))
    return mime


def drag_enter(target: QWidget, urls: Sequence[QUrl]) -> bool:
    """Drag `urls` over `target` as the platform would; whether it would take them."""
    mime = _mime(urls)  # held here: the event does not own it
    event = QDragEnterEvent(
        target.rect().center(),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(target, event)
    return event.isAccepted()


def send_drop(target: QWidget, urls: Sequence[QUrl]) -> bool:
    """Drop `urls` on `target` as the platform would; whether the drop was taken."""
    mime = _mime(urls)  # held here: the event does not own it
    event = QDropEvent(
        QPointF(target.rect().center()),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(target, event)
    return event.isAccepted()


def drop(target: QWidget, *paths: Path) -> None:
    """Drag files onto `target` (a window, or a widget in it) and drop them there."""
    urls = [QUrl.fromLocalFile(str(path)) for path in paths]
    assert drag_enter(target, urls)
    assert send_drop(target, urls)


@pytest.fixture
def tasks(qtbot: Any) -> Iterator[TaskManager]:
    """A TaskManager of its own, stopped and joined after the test."""
    manager = TaskManager()
    yield manager
    manager.stop()
    manager.join()
