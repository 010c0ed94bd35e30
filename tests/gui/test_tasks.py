"""The bridge between core jobs and Qt: coalesced text, ordered events, results
and errors brought back to the GUI thread. Jobs run on core's real model worker."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from app.core.errors import StorageError
from app.core.models.worker import ModelWorker
from app.core.worker import Failed, JobContext
from app.gui.tasks import TaskManager

PIECES = 2000


@pytest.fixture
def worker() -> Iterator[ModelWorker]:
    worker = ModelWorker()
    yield worker
    worker.shutdown()


@pytest.fixture
def errors() -> list[tuple[BaseException, str]]:
    """What the task manager handed to its error handler."""
    return []


@pytest.fixture
def tasks(qtbot: Any, errors: list[tuple[BaseException, str]]) -> Iterator[TaskManager]:
    manager = TaskManager()
    manager.call_failed.connect(lambda error, report: errors.append((error, report)))
    yield manager
    manager.stop()
    manager.join()


def test_floods_are_coalesced_in_order_and_nothing_is_lost(
    qtbot: Any, worker: ModelWorker, tasks: TaskManager
) -> None:
    def chatter(ctx: JobContext) -> str:
        ctx.text("before ")
        ctx.notice("midway")
        for i in range(PIECES):
            ctx.text(f"{i} ")
        for done in range(1, 101):
            ctx.progress("Counting", done, 100)
        return "done"

    bridge = tasks.follow(worker.submit("chatter", chatter))
    events: list[tuple[str, object]] = []
    bridge.text_changed.connect(lambda text: events.append(("text", text)))
    bridge.notice_received.connect(lambda message: events.append(("notice", message)))
    bridge.progress_made.connect(lambda _label, done, _total: events.append(("progress", done)))
    with qtbot.waitSignal(bridge.finished, timeout=10_000) as finished:
        pass
    assert finished.args == ["done"]
    assert events[:2] == [("text", "before "), ("notice", "midway")]  # text flushed first
    texts = [str(text) for kind, text in events if kind == "text"]
    assert texts[-1] == "before " + "".join(f"{i} " for i in range(PIECES))
    assert len(texts) < PIECES / 10, "token updates were not coalesced"
    progress = [done for kind, done in events if kind == "progress"]
    assert progress[-1] == 100
    assert len(progress) < 100, "progress reports were not coalesced"


def test_a_failed_job_is_relayed_as_failed(
    qtbot: Any, worker: ModelWorker, tasks: TaskManager
) -> None:
    def broken(ctx: JobContext) -> None:
        raise StorageError("The disk is full.")

    bridge = tasks.follow(worker.submit("broken", broken))
    with qtbot.waitSignal(bridge.failed, timeout=10_000) as failed:
        pass
    event = failed.args[0]
    assert isinstance(event, Failed)
    assert event.expected
    assert str(event.error) == "The disk is full."


def test_background_calls_run_off_the_gui_thread_and_report_back_on_it(
    qtbot: Any, tasks: TaskManager
) -> None:
    gui_thread = threading.current_thread()
    ran_on: list[threading.Thread] = []
    results: list[tuple[int, threading.Thread]] = []

    def work() -> int:
        ran_on.append(threading.current_thread())
        return 42

    tasks.run_in_background(work, lambda value: results.append((value, threading.current_thread())))
    qtbot.waitUntil(lambda: bool(results), timeout=5000)
    assert ran_on[0] is not gui_thread
    assert results == [(42, gui_thread)]


def test_background_errors_go_to_the_error_handler(
    qtbot: Any, tasks: TaskManager, errors: list[tuple[BaseException, str]]
) -> None:
    def fail() -> None:
        raise StorageError("The conversation file cannot be opened.")

    tasks.run_in_background(fail, lambda _: pytest.fail("on_done must not run"))
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    error, report = errors[0]
    assert isinstance(error, StorageError)
    assert "StorageError" in report


def test_following_jobs_and_running_calls_start_no_thread_on_the_gui_thread(
    qtbot: Any, worker: ModelWorker, tasks: TaskManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Starting a thread waits for it to run, which under load held the GUI up to ~180 ms:
    the readers a busy app needs at once, and the pool's thread, exist before any job."""
    started: list[str] = []
    original = threading.Thread.start

    def counting_start(thread: threading.Thread) -> None:
        started.append(thread.name)
        original(thread)

    monkeypatch.setattr(threading.Thread, "start", counting_start)
    release = threading.Event()
    bridges = [
        tasks.follow(worker.submit(f"job {n}", lambda _ctx: release.wait(10))) for n in range(4)
    ]
    finished: list[object] = []
    for bridge in bridges:
        bridge.finished.connect(finished.append)
    done: list[int] = []
    tasks.run_in_background(lambda: 7, done.append)
    release.set()
    qtbot.waitUntil(lambda: len(finished) == 4 and done == [7], timeout=10_000)
    assert not [name for name in started if name.startswith("confidente-gui")], started
