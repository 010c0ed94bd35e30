"""Showing errors: one `show_error`, and hooks that route the unexpected to it.

Expected failures (`ConfidenteError`) are shown with their message only. Anything
else is a bug: the dialog says so and carries the traceback as a report the user
can copy. Dialogs are opened with `open()`, never `exec()`, so no nested event
loop runs and the window stays responsive.
"""

from __future__ import annotations

import sys
import threading
import traceback
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from app.core.errors import ConfidenteError

BUG_MESSAGE = (
    "Something went wrong inside Confidente. Your conversations are saved. "
    "If it happens again, copy the report below and send it to the developers."
)


def show_error(
    parent: QWidget | None, error: BaseException, report: str = "", title: str = "Confidente"
) -> QMessageBox:
    """Open a non-blocking dialog about `error` and return it."""
    box = QMessageBox(parent)
    box.setWindowTitle(title)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setAccessibleName("Error")
    if isinstance(error, ConfidenteError):
        box.setIcon(QMessageBox.Icon.Warning)
        box.setText(str(error))
        if error.detail:
            box.setDetailedText(error.detail)
    else:
        box.setIcon(QMessageBox.Icon.Critical)
        box.setText(BUG_MESSAGE)
        report = report or "".join(traceback.format_exception(error))
        box.setDetailedText(report)
        copy = box.addButton("Copy report", QMessageBox.ButtonRole.ActionRole)
        copy.clicked.connect(lambda: _copy_to_clipboard(report))
    box.addButton(QMessageBox.StandardButton.Close)
    box.open()
    return box


def _copy_to_clipboard(text: str) -> None:
    QGuiApplication.clipboard().setText(text)


class ErrorReporter(QObject):
    """Routes uncaught exceptions, from any thread, to `show_error` on the GUI thread.

    Signals:
        sig_uncaught(object, str): an exception and its traceback report; emitted
            by whichever thread failed, delivered on the GUI thread.
    """

    sig_uncaught = Signal(object, str)

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        self._installed = False
        self.sig_uncaught.connect(self.on_uncaught, Qt.ConnectionType.QueuedConnection)

    def install(self) -> None:
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        sys.excepthook = self._excepthook
        threading.excepthook = self._thread_excepthook
        self._installed = True

    def uninstall(self) -> None:
        if self._installed:
            sys.excepthook = self._previous_hook
            threading.excepthook = self._previous_thread_hook
            self._installed = False

    def _excepthook(
        self,
        kind: type[BaseException],
        error: BaseException,
        tb: TracebackType | None,
    ) -> None:
        self._previous_hook(kind, error, tb)  # keep the trace on stderr too
        if isinstance(error, KeyboardInterrupt):
            return
        self.sig_uncaught.emit(error, "".join(traceback.format_exception(kind, error, tb)))

    def _thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        self._previous_thread_hook(args)
        if args.exc_value is None or isinstance(args.exc_value, SystemExit):
            return
        report = "".join(
            traceback.format_exception(args.exc_type, args.exc_value, args.exc_traceback)
        )
        self.sig_uncaught.emit(args.exc_value, report)

    @Slot(object, str)
    def on_uncaught(self, error: BaseException, report: str) -> None:
        show_error(self._window, error, report)
