"""Unexpected exceptions, from a worker thread or a Qt slot, reach one dialog with a
copyable report, and the app goes on.

pytest-qt fails a test when a Qt slot raises; these tests raise on purpose, so its
capture is off (`qt_no_exception_capture`) and the hooks the reporter chains to
are silenced.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox, QPushButton, QTextEdit, QWidget

from app.core.errors import StorageError
from app.core.services import Services
from app.gui.errors import BUG_MESSAGE, ErrorReporter, show_error
from app.gui.main_window import MainWindow
from tests.gui_windows import close_window

pytestmark = pytest.mark.qt_no_exception_capture

TIMEOUT_MS = 5000


@pytest.fixture
def quiet_hooks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The hooks the reporter chains to: silent, so the traces do not fill the output."""
    monkeypatch.setattr(sys, "excepthook", lambda *_args: None)
    monkeypatch.setattr(threading, "excepthook", lambda _args: None)


@pytest.fixture
def reporter(qtbot: Any, quiet_hooks: None) -> Iterator[ErrorReporter]:
    parent = QWidget()
    qtbot.addWidget(parent)
    reporter = ErrorReporter(parent)
    reporter.install()
    yield reporter
    reporter.uninstall()
    for box in reporter.open_dialogs():
        box.close()


def raise_in_a_thread(error: BaseException) -> None:
    def fail() -> None:
        raise error

    thread = threading.Thread(target=fail, name="failing-worker")
    thread.start()
    thread.join()


def raise_in_a_slot(qtbot: Any, error: BaseException) -> None:
    """A timer's slot raises: PySide hands the exception to sys.excepthook."""
    ran: list[bool] = []

    def slot() -> None:
        ran.append(True)
        raise error

    QTimer.singleShot(0, slot)
    qtbot.waitUntil(lambda: bool(ran), timeout=TIMEOUT_MS)


def one_dialog(qtbot: Any, reporter: ErrorReporter) -> QMessageBox:
    qtbot.waitUntil(lambda: bool(reporter.open_dialogs()), timeout=TIMEOUT_MS)
    qtbot.wait(50)  # anything else queued is delivered too
    dialogs = reporter.open_dialogs()
    assert len(dialogs) == 1, [d.detailedText()[-200:] for d in dialogs]
    return dialogs[0]


def report_area(box: QMessageBox) -> QTextEdit:
    """The dialog's detailed text: a read-only, selectable text area."""
    areas = box.findChildren(QTextEdit)
    assert len(areas) == 1
    return areas[0]


def button(box: QMessageBox, text: str) -> QPushButton:
    return next(b for b in box.findChildren(QPushButton) if b.text() == text)


def still_running(qtbot: Any) -> None:
    """The event loop still runs slots after the error."""
    fired: list[bool] = []
    QTimer.singleShot(0, lambda: fired.append(True))
    qtbot.waitUntil(lambda: bool(fired), timeout=TIMEOUT_MS)


def test_a_worker_thread_exception_opens_one_dialog_with_a_copyable_report(
    qtbot: Any, reporter: ErrorReporter
) -> None:
    raise_in_a_thread(RuntimeError("boom in a worker"))
    box = one_dialog(qtbot, reporter)
    assert box.icon() == QMessageBox.Icon.Critical
    assert box.text() == BUG_MESSAGE
    area = report_area(box)
    report = area.toPlainText()
    assert "Traceback (most recent call last)" in report
    assert "in fail" in report
    assert "RuntimeError: boom in a worker" in report
    assert "Thread: failing-worker" in report
    assert "Confidente 0." in report.splitlines()[0]  # versions, for the developers
    assert area.isReadOnly()
    assert area.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByKeyboard
    button(box, "Copy report").click()
    assert QGuiApplication.clipboard().text() == report
    still_running(qtbot)


def test_an_exception_in_a_qt_slot_opens_one_dialog_and_the_loop_goes_on(
    qtbot: Any, reporter: ErrorReporter
) -> None:
    raise_in_a_slot(qtbot, KeyError("missing in a slot"))
    box = one_dialog(qtbot, reporter)
    report = report_area(box).toPlainText()
    assert "in slot" in report
    assert "KeyError: 'missing in a slot'" in report
    assert "Thread: MainThread" in report
    still_running(qtbot)


def test_an_expected_error_escaping_a_slot_shows_its_message_only(
    qtbot: Any, reporter: ErrorReporter
) -> None:
    raise_in_a_slot(qtbot, StorageError("The conversation file cannot be written."))
    box = one_dialog(qtbot, reporter)
    assert box.icon() == QMessageBox.Icon.Warning
    assert box.text() == "The conversation file cannot be written."
    assert not box.detailedText()


def test_a_repeated_error_is_counted_in_its_dialog_and_a_distinct_one_gets_its_own(
    qtbot: Any, reporter: ErrorReporter
) -> None:
    def failing_tick() -> None:
        raise ValueError(f"tick {len(ticks)}")  # a different message each time: the same bug

    ticks: list[int] = []

    def tick() -> None:
        ticks.append(1)
        failing_tick()

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(tick)
    timer.start()
    try:
        qtbot.waitUntil(lambda: len(ticks) >= 5, timeout=TIMEOUT_MS)
    finally:
        timer.stop()
    box = one_dialog(qtbot, reporter)
    qtbot.waitUntil(
        lambda: box.informativeText() == f"This happened {len(ticks)} times.", timeout=TIMEOUT_MS
    )

    raise_in_a_thread(RuntimeError("another bug"))
    qtbot.waitUntil(lambda: len(reporter.open_dialogs()) == 2, timeout=TIMEOUT_MS)
    assert "another bug" in reporter.open_dialogs()[1].detailedText()


def test_a_bug_whose_dialog_was_closed_is_not_shown_again(
    qtbot: Any, reporter: ErrorReporter
) -> None:
    def fail() -> None:
        raise RuntimeError("the same place")

    for _ in range(2):
        QTimer.singleShot(0, fail)
    box = one_dialog(qtbot, reporter)
    box.close()
    qtbot.waitUntil(lambda: not reporter.open_dialogs(), timeout=TIMEOUT_MS)
    QTimer.singleShot(0, fail)
    still_running(qtbot)
    qtbot.wait(50)
    assert not reporter.open_dialogs()


def test_show_error_opens_one_dialog_per_bug_while_it_is_open(qtbot: Any) -> None:
    """The handlers of failed jobs call show_error directly: the same bug twice (here,
    raised at the same place) is counted in the dialog already open, not shown again."""
    parent = QWidget()
    qtbot.addWidget(parent)

    def failing() -> None:
        raise RuntimeError("a job with a bug")

    errors = []
    for _ in range(3):
        try:
            failing()
        except RuntimeError as error:
            errors.append(error)
    boxes = {id(show_error(parent, error)) for error in errors}
    assert len(boxes) == 1
    box = show_error(parent, errors[0])
    assert box.informativeText() == "This happened 4 times."
    other = show_error(parent, ValueError("another"))
    assert other is not box
    box.close()
    other.close()
    again = show_error(parent, errors[0])  # closed: shown anew
    assert again is not box
    again.close()


def test_uninstall_puts_the_previous_hooks_back(qtbot: Any, quiet_hooks: None) -> None:
    before = sys.excepthook, threading.excepthook
    parent = QWidget()
    qtbot.addWidget(parent)
    reporter = ErrorReporter(parent)
    reporter.install()
    assert (sys.excepthook, threading.excepthook) != before
    reporter.uninstall()
    assert (sys.excepthook, threading.excepthook) == before


@pytest.fixture
def window(qtbot: Any, quiet_hooks: None) -> Iterator[MainWindow]:
    """The real window on real Services, with the reporter installed as `run_gui` does;
    no model is loaded (none is needed to fail). CONFIDENTE_HOME is the test's own."""
    services = Services()
    window = MainWindow(services)
    reporter = ErrorReporter(window)
    reporter.install()
    window.reporter = reporter  # type: ignore[attr-defined]
    window.show()
    qtbot.waitExposed(window)
    yield window
    reporter.uninstall()
    close_window(window, services)


def test_the_window_reports_a_failing_callback_and_a_dying_thread_and_keeps_working(
    qtbot: Any, window: MainWindow
) -> None:
    reporter: ErrorReporter = window.reporter  # type: ignore[attr-defined]

    def broken_callback(_result: object) -> None:
        raise AttributeError("a GUI callback with a bug")

    # A background read whose GUI-thread callback fails: the slot delivering it raises.
    window.tasks.run_in_background(lambda: 42, broken_callback)
    box = one_dialog(qtbot, reporter)
    assert box.parent() is window
    assert "AttributeError: a GUI callback with a bug" in box.detailedText()
    assert "broken_callback" in box.detailedText()

    raise_in_a_thread(OSError("a helper thread died"))
    qtbot.waitUntil(lambda: len(reporter.open_dialogs()) == 2, timeout=TIMEOUT_MS)

    # The window goes on: background reads still come back, the chat still clears.
    results: list[int] = []
    window.tasks.run_in_background(lambda: 7, results.append)
    qtbot.waitUntil(lambda: results == [7], timeout=TIMEOUT_MS)
    window.on_new_chat()
    assert window.conversation_id is None
    assert window.isVisible()
