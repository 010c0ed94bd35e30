"""A worker runs jobs one at a time, in order, and survives failures."""

from __future__ import annotations

import threading

import pytest

from app.core.errors import ConfidenteError
from app.core.worker import Failed, Finished, JobContext, Notice, TextDelta, Worker


def test_jobs_run_in_order_on_one_thread() -> None:
    worker = Worker("jobs")
    seen: list[tuple[int, str]] = []

    def job(n: int):  # type: ignore[no-untyped-def]
        def run(ctx: JobContext) -> int:
            seen.append((n, threading.current_thread().name))
            ctx.text(f"t{n}")
            ctx.notice(f"n{n}")
            return n

        return run

    jobs = [worker.submit(f"j{n}", job(n)) for n in range(5)]
    events = [list(j.events()) for j in jobs]
    worker.shutdown()
    assert [n for n, _ in seen] == [0, 1, 2, 3, 4]
    assert {name for _, name in seen} == {"confidente-jobs"}
    assert events[2] == [TextDelta("t2"), Notice("n2"), Finished(2)]


def test_a_job_cancelled_while_queued_never_runs() -> None:
    worker = Worker("jobs")
    gate = threading.Event()
    ran: list[str] = []
    blocker = worker.submit("block", lambda ctx: gate.wait(10))
    queued = worker.submit("queued", lambda ctx: ran.append("queued"))
    queued.cancel()
    gate.set()
    blocker.result()
    with pytest.raises(ConfidenteError, match="Cancelled"):
        queued.result()
    worker.shutdown()
    assert ran == []


def test_failures_are_reported_and_the_worker_goes_on() -> None:
    worker = Worker("jobs")

    def bug(ctx: JobContext) -> None:
        raise KeyError("boom")

    failed = list(worker.submit("bug", bug).events())[-1]
    assert isinstance(failed, Failed)
    assert not failed.expected
    assert "KeyError" in failed.report
    assert worker.submit("after", lambda ctx: 42).result() == 42
    worker.shutdown()


def test_shutdown_fails_queued_jobs_and_refuses_new_ones() -> None:
    worker = Worker("jobs")
    gate, started = threading.Event(), threading.Event()

    def block(ctx: JobContext) -> bool:
        started.set()
        return gate.wait(10)

    running = worker.submit("block", block)
    queued = worker.submit("queued", lambda ctx: 1)
    assert started.wait(10)
    closer = threading.Thread(target=worker.shutdown)
    closer.start()
    gate.set()
    closer.join(10)
    running.result()
    with pytest.raises(ConfidenteError, match="closing"):
        queued.result()
    with pytest.raises(ConfidenteError, match="closing"):
        worker.submit("late", lambda ctx: 1).result()
