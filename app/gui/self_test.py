"""`confidente --self-test`: does this installation work, end to end, offline?

Opens the main window (offscreen unless the caller chose a Qt platform), loads the
starter model, answers one prompt, indexes the bundled sample PDF and finds a
passage in it. Prints each step as it passes; on a failure, names the step and
why, and exits 1. The same check a packaged app's smoke test runs.

Data, settings and cache live in a temporary folder, so the user's conversations
and libraries are never touched; the model comes from the usual models folder
(the starter is assembled there on first use, as on a first start).

The GUI thread never waits: each step starts work through the window and the
services' jobs, and a timer polls for the outcome between events.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QMessageLogContext,
    QObject,
    QTimer,
    QtMsgType,
    Slot,
    qInstallMessageHandler,
)
from PySide6.QtWidgets import QApplication, QMessageBox

from app.core.data_key import ephemeral_key
from app.core.documents.records import FileStatus, IngestReport, Source
from app.core.paths import HOME_VARIABLE, AppPaths, app_paths
from app.core.resources import resources_dir
from app.core.services import Services
from app.core.worker import Failed
from app.gui.collector import GuiThreadCollector
from app.gui.identity import present
from app.gui.main_window import MainWindow
from app.gui.xcb_check import check_xcb

SAMPLE_VARIABLE = "CONFIDENTE_SELF_TEST_SAMPLE"  # another sample PDF (for tests)
PROMPT = "What is two plus two? Answer in one short sentence."
# In app/resources/sample/confidente-sample.pdf (scripts/make_sample_pdf.py wrote it).
SAMPLE_QUERY = "How many amber flashes did the lighthouse keeper log?"
SAMPLE_PHRASE = "forty-two amber flashes"
STEP_TIMEOUT_S = 300.0  # the first start assembles the starter and loads the embedder
POLL_MS = 50
MAX_TOKENS = 32

Outcome = str | None  # None: still running; "": passed; else why it failed


def sample_pdf() -> Path:
    override = os.environ.get(SAMPLE_VARIABLE, "").strip()
    return Path(override) if override else resources_dir() / "sample" / "confidente-sample.pdf"


@dataclass
class Step:
    name: str
    start: Callable[[], None]
    outcome: Callable[[], Outcome]


class SelfTest(QObject):
    """Runs the steps in order on the event loop; `failure` holds the first failure."""

    def __init__(self, window: MainWindow, services: Services, sample: Path) -> None:
        super().__init__(window)
        self._window = window
        self._services = services
        self._sample = sample
        self._report: IngestReport | None = None
        self._sources: list[Source] | None = None
        self._error = ""
        self._asked = False
        self.failure: tuple[str, str] | None = None
        self._steps = [
            Step("open the window", window.show, self._window_shown),
            Step("load the starter model", window.load_model, self._model_loaded),
            Step("answer one prompt", self._ask, self._answered),
            Step("index the sample PDF", self._index, self._indexed),
            Step("find a passage in the sample PDF", self._search, self._found),
        ]
        self._current = -1
        self._started = 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self.on_poll)
        window.tasks.call_failed.connect(self.on_call_failed)

    def start(self) -> None:
        self._next()
        self._timer.start()

    def _next(self) -> None:
        self._current += 1
        if self._current == len(self._steps):
            self._finish()
            return
        step = self._steps[self._current]
        self._started = time.monotonic()
        try:
            step.start()
        except Exception as exc:
            self._fail(f"{type(exc).__name__}: {exc}")

    @Slot()
    def on_poll(self) -> None:
        if not 0 <= self._current < len(self._steps):
            return
        step = self._steps[self._current]
        try:
            outcome = step.outcome()
        except Exception as exc:
            outcome = f"{type(exc).__name__}: {exc}"
        if outcome is None and time.monotonic() - self._started > STEP_TIMEOUT_S:
            outcome = f"no result after {STEP_TIMEOUT_S:.0f} s"
        if outcome is None:
            return
        if outcome:
            self._fail(outcome)
            return
        print(f"self-test: {step.name}: ok ({time.monotonic() - self._started:.1f} s)", flush=True)
        self._next()

    @Slot(object, str)
    def on_call_failed(self, error: BaseException, report: str) -> None:
        self._error = f"{type(error).__name__}: {error}"

    def _fail(self, reason: str) -> None:
        shown = [box for box in self._window.findChildren(QMessageBox) if box.isVisible()]
        # The error report (a traceback) is in the dialog's details: print it, it says why.
        detail = "".join(
            f"\n  message shown: {box.text()}"
            + "".join(f"\n    {line}" for line in box.detailedText().splitlines())
            for box in shown
        )
        self.failure = (self._steps[self._current].name, reason + detail)
        self._finish()

    def _finish(self) -> None:
        self._current = len(self._steps)
        self._timer.stop()
        QTimer.singleShot(0, QApplication.quit)

    # The steps: each starts its work, then reports "" (passed), a reason, or None (running).

    def _window_shown(self) -> Outcome:
        return "" if self._window.isVisible() else None

    def _model_loaded(self) -> Outcome:
        state = self._window.model_state
        if state == "failed":
            return "the model did not load"
        return "" if state == "ready" else None

    def _ask(self) -> None:
        self._window.on_submitted(PROMPT)

    def _answered(self) -> Outcome:
        if self._window.busy:
            self._asked = True
            return None
        messages = self._window.chat_view.messages()
        if not self._asked and len(messages) < 2:
            return None  # the turn has not started yet
        if not messages or messages[-1].role == "user":
            return "the prompt got no answer"
        if not messages[-1].text.strip():
            return "the answer was empty"
        return ""

    def _index(self) -> None:
        if not self._sample.is_file():
            raise FileNotFoundError(f"the sample PDF is missing: {self._sample}")
        bridge = self._window.tasks.follow(self._services.documents.add([self._sample]))
        bridge.finished.connect(self._on_indexed)
        bridge.failed.connect(self._on_job_failed)

    def _on_indexed(self, report: object) -> None:
        assert isinstance(report, IngestReport)
        self._report = report

    def _on_job_failed(self, failed: object) -> None:
        assert isinstance(failed, Failed)
        self._error = str(failed.error)

    def _indexed(self) -> Outcome:
        if self._error:
            return self._error
        if self._report is None:
            return None
        if self._report.count(FileStatus.INDEXED) != 1:
            reasons = "; ".join(f"{o.status}: {o.reason}" for o in self._report.outcomes)
            return f"the sample was not indexed ({reasons or 'no outcome'})"
        return ""

    def _search(self) -> None:
        documents = self._services.documents
        self._window.tasks.run_in_background(
            lambda: documents.search(SAMPLE_QUERY, k=3), self._on_found
        )

    def _on_found(self, sources: list[Source]) -> None:
        self._sources = sources

    def _found(self) -> Outcome:
        if self._error:
            return self._error
        if self._sources is None:
            return None
        if not any(SAMPLE_PHRASE in " ".join(s.text.split()) for s in self._sources):
            return f"no passage found with “{SAMPLE_PHRASE}” ({len(self._sources)} results)"
        return ""


def run_self_test(argv: list[str], model_path: str | None = None) -> int:
    """Run the steps; 0 when all passed, 1 (with the failed step on stderr) otherwise."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    problem = check_xcb()
    if problem:
        print(f"self-test failed at step “start Qt”: {problem}", file=sys.stderr)
        return 1
    began = time.monotonic()
    models = app_paths().models  # the usual models folder, before the home moves
    with tempfile.TemporaryDirectory(
        prefix="confidente-self-test-", ignore_cleanup_errors=True
    ) as scratch:
        base = Path(scratch)
        saved_home = os.environ.get(HOME_VARIABLE)
        os.environ[HOME_VARIABLE] = scratch  # anything else (the index process) stays here too
        try:
            failure = _run(
                argv, AppPaths(base / "data", base / "config", models, base / "cache"), model_path
            )
        finally:
            if saved_home is None:
                os.environ.pop(HOME_VARIABLE, None)
            else:
                os.environ[HOME_VARIABLE] = saved_home
    if failure:
        step, reason = failure
        print(f"self-test failed at step “{step}”: {reason}", file=sys.stderr)
        return 1
    print(f"self-test passed in {time.monotonic() - began:.1f} s", flush=True)
    return 0


# The offscreen platform says this of every window with size limits; it means nothing here.
_OFFSCREEN_NOISE = "This plugin does not support propagateSizeHints()"


def _quiet_offscreen(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    if message != _OFFSCREEN_NOISE:
        print(message, file=sys.stderr)


def _run(argv: list[str], paths: AppPaths, model_path: str | None) -> tuple[str, str] | None:
    previous = qInstallMessageHandler(_quiet_offscreen)
    try:
        return _run_steps(argv, paths, model_path)
    finally:
        qInstallMessageHandler(previous)


def _run_steps(argv: list[str], paths: AppPaths, model_path: str | None) -> tuple[str, str] | None:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv)
    present(app)
    overrides: dict[str, Any] = {"max_tokens": MAX_TOKENS}
    if model_path:
        overrides["model_path"] = model_path
    try:
        # The scratch folder's data dies with it: a key kept nowhere, so the self-test
        # needs no keychain and no passphrase, and leaves nothing in either.
        services = Services(paths, documents_process=True, key=ephemeral_key(), **overrides)
    except Exception as exc:
        return ("start the services", f"{type(exc).__name__}: {exc}")
    try:
        window = MainWindow(services)
    except Exception as exc:
        services.close()
        return ("open the window", f"{type(exc).__name__}: {exc}")
    test = SelfTest(window, services, sample_pdf())
    collector = GuiThreadCollector()  # as run_gui: Qt objects are freed on this thread
    collector.start()
    try:
        QTimer.singleShot(0, test.start)
        app.exec()
        return test.failure
    finally:
        collector.stop()
        for box in window.findChildren(QMessageBox):
            box.close()
        window.close()
        window.shutdown()
        services.close()
        window.deleteLater()  # destroyed here, on the GUI thread
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
