"""Never frozen: the GUI thread keeps up while the model loads, answers, and 200+ pages
are indexed, all at once; and the window appears soon after launch.

The stall figures are printed (run with `-s` to see them). Timings on a shared
2-core machine are noisy, so the assertions are loose bounds that still catch a
real freeze; the figures themselves are the measurement (see the module's
constants for the bounds and why). With CONFIDENTE_STALL_STACKS=1 the longest
stalls are printed with what every thread was doing meanwhile (`StallMonitor`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from app.core.models.worker import ModelWorker
from app.core.services import Services
from app.core.worker import JobContext
from app.gui.collector import GuiThreadCollector
from app.gui.documents.document_model import DocumentListModel
from app.gui.main_window import MainWindow
from app.gui.tasks import READY_READERS, TaskManager
from tests.stall_monitor import StallMonitor

PAGES_WANTED = 200
WORK_TIMEOUT_MS = 240_000
# The goal is no stall over 50 ms. On a quiet 2-core machine the longest is 24-34 ms
# (the first moments, when the model load, the first answer and the first ingest all
# start). It was 186-700 ms while torch and Chroma ran in this process (importing
# torch, Chroma's upsert and full garbage collections over torch's objects all hold
# the GIL), which is what `DocumentsProcess` and the collector's freezing removed. A
# shared CI machine adds noise it cannot control, so the maximum asserted leaves
# room for that and still fails if any of those comes back, or if anything loads,
# reads or ingests on the GUI thread; the 99th percentile is held to the goal.
MAX_STALL_MS = 300.0
P99_STALL_MS = 50.0
# The window must be shown this soon after the process starts (issue 5: 2 s).
STARTUP_LIMIT_S = 2.0
QUESTION = "Write a short note about harbours and ships."
# The model keeps answering while the documents are indexed, up to this many answers.
ANSWERS = 10


def corpus_copies(corpus: Path, folder: Path, pages_wanted: int) -> tuple[list[Path], int]:
    """Copy the corpus's PDFs into numbered subfolders until they hold `pages_wanted` pages."""
    pdfs = sorted(corpus.glob("*.pdf"))
    per_copy = sum(len(PdfReader(pdf).pages) for pdf in pdfs)
    copies = -(-pages_wanted // per_copy)
    files: list[Path] = []
    for n in range(copies):
        target = folder / f"copy{n + 1}"
        target.mkdir(parents=True)
        for pdf in pdfs:
            files.append(Path(shutil.copy2(pdf, target / pdf.name)))
    return files, per_copy * copies


@pytest.fixture
def window(qtbot: Any, starter_model: Path) -> Iterator[MainWindow]:
    """The real window on real Services, run as `run_gui` runs it (GUI-thread collector);
    the model is not loaded yet."""
    threads_before = set(threading.enumerate())
    services = Services(
        model_path=str(starter_model), max_tokens=64, temperature=0.0, documents_process=True
    )
    collector = GuiThreadCollector()
    collector.start()
    window = MainWindow(services)
    window.show()
    qtbot.waitExposed(window)
    yield window
    for box in window.findChildren(QMessageBox):
        box.close()
    window.close()
    window.shutdown()
    services.close()
    window.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    collector.stop()
    leaked = [t for t in threading.enumerate() if t not in threads_before and t.is_alive()]
    assert not leaked, f"threads outlived the test: {leaked}"


def ask(qtbot: Any, window: MainWindow, text: str) -> None:
    window.composer.editor.setPlainText(text)
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)


def test_gui_thread_never_stalls_while_loading_answering_and_indexing(
    qtbot: Any, window: MainWindow, corpus: Path, tmp_path: Path
) -> None:
    files, pages = corpus_copies(corpus, tmp_path / "docs", PAGES_WANTED)
    assert pages >= PAGES_WANTED
    sampling = bool(os.environ.get("CONFIDENTE_STALL_STACKS"))
    monitor = StallMonitor(sample_stacks=sampling)
    ended: list[str] = []
    window.library.job_ended.connect(ended.append)

    monitor.start()
    window.load_model()  # the normal path: the banner, then the model worker
    ask(qtbot, window, QUESTION)  # queues behind the load
    window.library.add([str(tmp_path / "docs")])  # what a dropped folder does
    assert window.busy
    assert window.library.busy

    asked = [QUESTION]

    def all_done() -> bool:
        """Keep the model answering while the documents are indexed (ANSWERS at most)."""
        if window.busy:
            return False
        if window.library.busy and len(asked) < ANSWERS:
            asked.append(QUESTION)
            ask(qtbot, window, QUESTION)
            return False
        return not window.library.busy and window.model_state == "ready"

    try:
        qtbot.waitUntil(all_done, timeout=WORK_TIMEOUT_MS)
    finally:
        monitor.stop()
    summary = monitor.summary()
    answers = [m.text for m in window.chat_view.messages() if m.role == "assistant"]

    print()
    print(summary.line())
    print(
        f"  while: model load + {len(answers)} answers of up to 64 tokens + "
        f"{len(files)} PDFs ({pages} pages) indexed; {ended[-1] if ended else 'no summary'}"
    )
    print("  worst (s since start, ms):", [(round(t, 2), round(ms)) for t, ms in summary.worst])
    if sampling:
        for report in monitor.stall_reports():
            print(report)
    assert window.model_state == "ready"
    assert answers
    assert all(answers)
    assert ended
    assert "indexed" in ended[-1]
    assert summary.p99_ms <= P99_STALL_MS, summary.line()
    assert summary.max_ms <= MAX_STALL_MS, summary.line()


def test_the_document_list_is_laid_out_without_calling_python() -> None:
    """Its rows are Qt items: no Python `data()` or `index()` for the view to call back
    (each call would wait for the GIL while documents are being indexed)."""
    overridden = {"data", "index", "rowCount", "flags", "parent"} & set(vars(DocumentListModel))
    assert not overridden


def test_following_jobs_one_after_another_starts_no_reader_thread(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`Thread.start()` waits until the new thread runs Python, which can take long under
    load: an idle reader takes the next job instead of a new thread (more jobs than the
    readers started with the TaskManager, one after another)."""
    started: list[str] = []
    start = threading.Thread.start

    def counted(thread: threading.Thread) -> None:
        started.append(thread.name)
        start(thread)

    worker = ModelWorker()
    tasks = TaskManager()
    monkeypatch.setattr(threading.Thread, "start", counted)
    try:
        for n in range(READY_READERS + 2):

            def job(_ctx: JobContext, n: int = n) -> int:
                return n

            bridge = tasks.follow(worker.submit(f"job {n}", job))
            with qtbot.waitSignal(bridge.finished, timeout=10_000) as finished:
                pass
            assert finished.args == [n]
            qtbot.waitUntil(bridge.read.is_set, timeout=10_000)
    finally:
        tasks.stop()
        worker.shutdown()
        tasks.join()
    assert [name for name in started if name.startswith("confidente-gui")] == []


# Run in a fresh interpreter: the real entry point (`confidente`, `python -m app`) opens
# the window; a timer set up before it polls until the main window is exposed, prints the
# time since the process was created, and closes the windows, which ends the app.
STARTUP_PROBE = """
import psutil, time
created = psutil.Process().create_time()
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

app = QApplication(["confidente"])  # run_gui uses the existing application


def shown() -> None:
    for widget in QApplication.topLevelWidgets():
        handle = widget.windowHandle()
        if type(widget).__name__ == "MainWindow" and handle is not None and handle.isExposed():
            print(f"SHOWN_AFTER {time.time() - created:.3f}", flush=True)
            QApplication.closeAllWindows()
            return
    QTimer.singleShot(1, shown)


QTimer.singleShot(0, shown)
from app.cli import main

sys.exit(main(["--model", sys.argv[1]]))
"""


def test_window_is_shown_within_two_seconds_of_launch(
    starter_model: Path, confidente_home: Path
) -> None:
    """A fresh interpreter (nothing imported yet) runs the real entry point; the time is
    from the process's creation (psutil), so interpreter start-up counts too. Best of three:
    other processes on the machine only ever make it slower."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CONFIDENTE_HOME": str(confidente_home)}
    times = []
    for _ in range(3):
        done = subprocess.run(
            [sys.executable, "-c", STARTUP_PROBE, str(starter_model)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        line = next(x for x in done.stdout.splitlines() if x.startswith("SHOWN_AFTER"))
        times.append(float(line.split()[1]))
    print(f"\nwindow shown after {', '.join(f'{t:.2f}' for t in times)} s (from process start)")
    assert min(times) <= STARTUP_LIMIT_S, times
