"""Showing errors: one `show_error`, and hooks that route the unexpected to it.

Expected failures (`ConfidenteError`) are shown with their message only. Anything
else is a bug: the dialog says so and carries the traceback as a report the user
can copy. Dialogs are opened with `open()`, never `exec()`, so no nested event
loop runs and the window stays responsive.

`ErrorReporter` catches what nothing else caught: exceptions escaping a Qt slot or
event handler on the GUI thread (PySide hands them to `sys.excepthook` and goes on
with the event loop) and exceptions that end any other thread
(`threading.excepthook`). Work that core's workers and `TaskManager` run is already
caught there and reported by its own handler; this is the net below. The app keeps
running: the failed slot or thread is gone, everything else goes on.
"""

from __future__ import annotations

import contextlib
import platform
import sys
import threading
import traceback
from types import TracebackType

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox, QTextEdit, QWidget

from app import __version__
from app.core.errors import ConfidenteError
from app.gui.i18n import QT_TRANSLATE_NOOP
from app.gui.plain_text import plain

BUG_MESSAGE = QT_TRANSLATE_NOOP(
    "ErrorReporter",
    "Something went wrong inside Confidente. Your conversations are saved. "
    "If it happens again, copy the report below and send it to the developers.",
)
REPEATED = QT_TRANSLATE_NOOP("ErrorReporter", "This happened {count} times.")

# A bug's place: its exception type and the (file, line) of every frame it went through.
Signature = tuple[str, tuple[tuple[str, int | None], ...]]


def show_error(
    parent: QWidget | None, error: BaseException, report: str = "", title: str = "Confidente"
) -> QMessageBox:
    """Open a non-blocking dialog about `error` and return it.

    A bug (not a `ConfidenteError`) whose dialog is already open over the same window
    is not shown twice: the open dialog counts it, and is returned.
    """
    if isinstance(error, ConfidenteError) or parent is None:
        return _open_box(parent, error, report, title)
    return _show_bug(parent, error, report, title, signature(error, error.__traceback__))


def _show_bug(
    parent: QWidget, error: BaseException, report: str, title: str, where: Signature
) -> QMessageBox:
    dialogs = _BugDialogs.of(parent)
    box = dialogs.repeated(where)
    if box is None:
        box = _open_box(parent, error, report, title)
        dialogs.add(where, box)
    return box


def _open_box(parent: QWidget | None, error: BaseException, report: str, title: str) -> QMessageBox:
    box = QMessageBox(parent)
    box.setWindowTitle(title)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setAccessibleName(QCoreApplication.translate("ErrorReporter", "Error"))
    plain(box)  # error messages quote file and model names: never markup
    if isinstance(error, ConfidenteError):
        box.setIcon(QMessageBox.Icon.Warning)
        box.setText(str(error))
        if error.detail:
            box.setDetailedText(error.detail)
    else:
        box.setIcon(QMessageBox.Icon.Critical)
        box.setText(QCoreApplication.translate("ErrorReporter", BUG_MESSAGE))
        report = report or "".join(traceback.format_exception(error))
        box.setDetailedText(report)
        for area in box.findChildren(QTextEdit):  # read-only; copyable by keyboard too
            area.setTextInteractionFlags(
                Qt.TextInteractionFlag.TextSelectableByMouse
                | Qt.TextInteractionFlag.TextSelectableByKeyboard
            )
        copy = box.addButton(
            QCoreApplication.translate("ErrorReporter", "Copy report"),
            QMessageBox.ButtonRole.ActionRole,
        )
        copy.clicked.connect(lambda: _copy_to_clipboard(report))
    box.addButton(QMessageBox.StandardButton.Close)
    box.open()
    return box


def _copy_to_clipboard(text: str) -> None:
    QGuiApplication.clipboard().setText(text)


def bug_report(error: BaseException, tb: TracebackType | None, thread: str = "") -> str:
    """The text a user copies: versions and platform first, then the traceback."""
    lines = [
        f"Confidente {__version__} · Python {platform.python_version()} · "
        f"PySide6 {pyside_version} · {platform.platform()}",
    ]
    if thread:
        lines.append(f"Thread: {thread}")
    lines.append("")
    return "\n".join(lines) + "".join(traceback.format_exception(type(error), error, tb))


def signature(error: BaseException, tb: TracebackType | None) -> Signature:
    """What makes two errors the same bug: the type and the path, not the message."""
    frames = tuple((frame.filename, frame.lineno) for frame in traceback.extract_tb(tb))
    return type(error).__qualname__, frames


class _BugDialogs(QObject):
    """The bug dialogs open over one window, by signature, each with its count."""

    NAME = "confidenteBugDialogs"

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName(self.NAME)
        self._open: dict[Signature, tuple[QMessageBox, list[int]]] = {}

    @classmethod
    def of(cls, parent: QWidget) -> _BugDialogs:
        window = parent.window()
        found = window.findChild(QObject, cls.NAME, Qt.FindChildOption.FindDirectChildrenOnly)
        return found if isinstance(found, _BugDialogs) else cls(window)

    def repeated(self, where: Signature) -> QMessageBox | None:
        """The open dialog of this bug, which now counts one more; None if none is open."""
        if where not in self._open:
            return None
        box, count = self._open[where]
        count[0] += 1
        box.setInformativeText(
            QCoreApplication.translate("ErrorReporter", REPEATED).format(count=count[0])
        )
        return box

    def add(self, where: Signature, box: QMessageBox) -> None:
        entry = self._open[where] = (box, [1])
        # Closed by the user, or destroyed with the window: forget it either way.
        box.finished.connect(lambda _result: self._forget(where, entry))
        box.destroyed.connect(lambda: self._forget(where, entry))

    def _forget(self, where: Signature, entry: tuple[QMessageBox, list[int]]) -> None:
        if self._open.get(where) is entry:  # not a newer dialog of the same bug
            del self._open[where]

    def is_open(self, where: Signature) -> bool:
        return where in self._open

    def boxes(self) -> list[QMessageBox]:
        return [box for box, _ in self._open.values()]


class ErrorReporter(QObject):
    """Routes uncaught exceptions, from any thread, to `show_error` on the GUI thread.

    One dialog per distinct bug (`signature`): while its dialog is open, repeats
    are counted in it (as by `show_error`); once the user closed it, the same bug
    again is only written to stderr — a failing timer or paint handler would
    otherwise reopen it forever.

    Signals:
        sig_uncaught(object, str, object): an exception, its report and its
            signature; emitted by whichever thread failed, delivered on the GUI thread.
    """

    sig_uncaught = Signal(object, str, object)

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        self._installed = False
        self._seen: set[Signature] = set()  # bugs shown this session
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
        self._report(error, tb, threading.current_thread().name)

    def _thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        self._previous_thread_hook(args)
        error = args.exc_value
        if error is None or isinstance(error, SystemExit):
            return
        self._report(error, args.exc_traceback, args.thread.name if args.thread else "")

    def _report(self, error: BaseException, tb: TracebackType | None, thread: str) -> None:
        """Any thread: hand the error to the GUI thread (a queued signal)."""
        # RuntimeError: the window, and this reporter with it, is already destroyed.
        with contextlib.suppress(RuntimeError):
            self.sig_uncaught.emit(error, bug_report(error, tb, thread), signature(error, tb))

    @Slot(object, str, object)
    def on_uncaught(self, error: BaseException, report: str, where: Signature) -> None:
        if where in self._seen and not _BugDialogs.of(self._window).is_open(where):
            return  # its dialog was closed: once is enough (the trace is on stderr)
        self._seen.add(where)
        _show_bug(self._window, error, report, "Confidente", where)

    def open_dialogs(self) -> list[QMessageBox]:
        """The bug dialogs open over the window now, oldest first."""
        return _BugDialogs.of(self._window).boxes()
