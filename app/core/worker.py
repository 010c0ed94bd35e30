"""Single threads that run jobs in order: one owns the model, one writes the index.

A `Worker` runs jobs one at a time, in the order they were submitted. The model
has its own (`app.core.models.worker.ModelWorker`, which holds the Engine), the
document index another, so ingesting never waits behind a long answer. A job reports back
through events (text pieces, notices, progress, then Finished or Failed) that
the caller reads from any thread: the CLI iterates them, the GUI turns them
into Qt signals. Cancelling a job sets its token, which the engine checks
between tokens; a job cancelled while still queued never runs.
"""

from __future__ import annotations

import queue
import threading
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from app.core.cancel import CancelToken
from app.core.errors import ConfidenteError

T = TypeVar("T")


@dataclass(frozen=True)
class TextDelta:
    text: str


@dataclass(frozen=True)
class Notice:
    """Something the user should be told while the job goes on."""

    message: str


@dataclass(frozen=True)
class Progress:
    label: str
    done: int
    total: int


@dataclass(frozen=True)
class Update:
    """A partial result the caller can act on before the job ends."""

    value: Any


@dataclass(frozen=True)
class Finished:
    result: Any


@dataclass(frozen=True)
class Failed:
    error: BaseException
    report: str  # traceback text for unexpected errors, "" for ConfidenteError

    @property
    def expected(self) -> bool:
        return isinstance(self.error, ConfidenteError)


Event = TextDelta | Notice | Progress | Update | Finished | Failed


class Job(Generic[T]):
    """A handle on queued or running work: read its events, or cancel it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.cancel_token = CancelToken()
        self._events: queue.SimpleQueue[Event] = queue.SimpleQueue()

    def cancel(self) -> None:
        self.cancel_token.cancel()

    def events(self) -> Iterator[Event]:
        """Yield events until (and including) Finished or Failed."""
        while True:
            event = self._events.get()
            yield event
            if isinstance(event, Finished | Failed):
                return

    def result(self) -> T:
        """Wait for the job; return its result or raise its error."""
        for event in self.events():
            if isinstance(event, Finished):
                value: T = event.result
                return value
            if isinstance(event, Failed):
                raise event.error
        raise AssertionError("unreachable: events() always ends with Finished or Failed")

    def _put(self, event: Event) -> None:
        self._events.put(event)


class JobContext:
    """What a job function receives on the worker thread."""

    def __init__(self, job: Job[Any]) -> None:
        self._job = job

    @property
    def cancel(self) -> CancelToken:
        return self._job.cancel_token

    def text(self, text: str) -> None:
        self._job._put(TextDelta(text))

    def notice(self, message: str) -> None:
        self._job._put(Notice(message))

    def update(self, value: object) -> None:
        self._job._put(Update(value))

    def progress(self, label: str, done: int, total: int) -> None:
        self._job._put(Progress(label, done, total))


JobFunction = Callable[[JobContext], T]


class Worker:
    """One thread running submitted jobs in order."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._queue: queue.Queue[tuple[Job[Any], JobFunction[Any]] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name=f"confidente-{name}", daemon=True)
        self._started = False
        self._stopping = False
        self._lock = threading.Lock()
        self._current: Job[Any] | None = None

    def start(self) -> Worker:
        with self._lock:
            if not self._started:
                self._thread.start()
                self._started = True
        return self

    def submit(self, name: str, function: JobFunction[T]) -> Job[T]:
        job: Job[T] = Job(name)
        with self._lock:
            if self._stopping:
                job._put(Failed(ConfidenteError("Confidente is closing."), ""))
                return job
        self.start()
        self._queue.put((job, function))
        return job

    def shutdown(self, timeout: float | None = 30.0) -> None:
        """Cancel queued and running jobs, release what the thread holds and stop it."""
        with self._lock:
            if self._stopping:
                return
            self._stopping = True
            started = self._started
        pending: list[Job[Any]] = []
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is not None:
                pending.append(item[0])
        for job in pending:
            job.cancel()
            job._put(Failed(ConfidenteError("Cancelled: Confidente is closing."), ""))
        if self._current is not None:
            self._current.cancel()
        if started:
            self._queue.put(None)
            self._thread.join(timeout)
        else:
            self._release()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                break
            job, function = item
            if job.cancel_token.cancelled:
                job._put(Failed(ConfidenteError("Cancelled before it started."), ""))
                continue
            self._current = job
            try:
                job._put(Finished(function(self._context(job))))
            except ConfidenteError as exc:
                job._put(Failed(exc, ""))
            except Exception as exc:  # a bug: report it with its traceback, keep the worker alive
                job._put(Failed(exc, traceback.format_exc()))
            finally:
                self._current = None
        self._release()

    def _context(self, job: Job[Any]) -> JobContext:
        """What the job's function receives (a worker holding something may offer more)."""
        return JobContext(job)

    def _release(self) -> None:
        """Called on the worker thread as it stops (or at shutdown if it never started)."""
