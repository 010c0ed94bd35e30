"""The one place the GUI runs background work.

Two kinds of work leave the GUI thread:

* model jobs (load, chat) already run on core's model worker; a `JobBridge`
  reads a job's blocking `events()` iterator on a reader thread (daemon threads,
  reused from job to job) and re-emits the events as Qt signals, delivered on
  the GUI thread;
* short blocking calls (SQLite reads) go through `TaskManager.run_in_background`,
  one at a time and in order, with the result handed back on the GUI thread.

Reader threads never touch widgets; they only emit signals of objects that
live on the GUI thread, which Qt then delivers there (queued connections).

While a `TaskManager` runs, the interpreter's GIL switch interval is 1 ms
instead of 5: see `GIL_SWITCH_INTERVAL_S`.
"""

from __future__ import annotations

import queue
import sys
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from app.core.worker import Event, Failed, Finished, Job, Notice, Progress, TextDelta, Update

T = TypeVar("T")

FLUSH_INTERVAL_MS = 40  # at most one text update per interval reaches the GUI
JOIN_TIMEOUT_S = 10.0
READY_READERS = 4  # job readers started with the TaskManager (see _Readers)
# Background threads run Python too (torch's module glue, Chroma's bindings, the
# tokenizers). Each time Qt calls into Python on the GUI thread (a slot, an event
# filter, a Python model's data()), the GUI thread must take the GIL back from them,
# and waits up to the switch interval for it: with the default 5 ms, 50 queued slots
# took 140-650 ms while two threads ran Python; with 1 ms, 15-70 ms. The threads'
# own throughput did not change measurably (embedding a corpus: 17.7 s vs 17.8 s).
GIL_SWITCH_INTERVAL_S = 0.001


class JobBridge(QObject):
    """Follows one core `Job` and re-emits its events, in order, on the GUI thread.

    The reader thread only queues events and wakes the bridge; the bridge
    drains the queue at most once per FLUSH_INTERVAL_MS, so a fast model cannot
    flood the GUI: text pieces are merged into one `text_changed`, and a run of
    progress reports into the last one. Text is always flushed before the
    event that followed it.

    Signals:
        text_changed(str): the whole text so far.
        notice_received(str): something the user should be told.
        progress_made(str, int, int): label, done, total.
        updated(object): a partial result (core `Update.value`) before the end.
        finished(object): the job's result; the last signal of a successful job.
        failed(object): the core `Failed` event; the last signal of a failed job.
    """

    text_changed = Signal(str)
    notice_received = Signal(str)
    progress_made = Signal(str, int, int)
    updated = Signal(object)
    finished = Signal(object)
    failed = Signal(object)

    # Internal: emitted by the reader thread when it queued events, received on the GUI thread.
    _sig_events_queued = Signal()

    def __init__(self, job: Job[Any]) -> None:
        super().__init__()  # no parent: Python keeps it alive while its thread runs
        self.job = job
        self._lock = threading.Lock()
        self._queued: list[Event] = []  # guarded by _lock
        self._wake_pending = False  # guarded by _lock
        self._text = ""
        self._shown_text = ""
        self._last_drain = 0.0
        self._detached = False
        self.delivered = False  # the last event has been emitted on the GUI thread
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.on_drain_due)
        self._sig_events_queued.connect(self.on_events_queued, Qt.ConnectionType.QueuedConnection)
        self.read = threading.Event()  # the reader is done with this bridge

    def cancel(self) -> None:
        self.job.cancel()

    def detach(self) -> None:
        """Emit nothing more (the window is going away)."""
        self._detached = True
        self._timer.stop()

    def _read(self) -> None:
        """Reader thread: queue the blocking iterator's events; never touch widgets."""
        for event in self.job.events():
            with self._lock:
                self._queued.append(event)
                if self._wake_pending:
                    continue
                self._wake_pending = True
            self._sig_events_queued.emit()

    @Slot()
    def on_events_queued(self) -> None:
        wait_ms = FLUSH_INTERVAL_MS - (time.monotonic() - self._last_drain) * 1000
        if wait_ms <= 0:
            self._drain()
        elif not self._timer.isActive():
            self._timer.start(int(wait_ms) + 1)

    @Slot()
    def on_drain_due(self) -> None:
        self._drain()

    def _drain(self) -> None:
        self._timer.stop()
        with self._lock:
            batch, self._queued = self._queued, []
            self._wake_pending = False
        self._last_drain = time.monotonic()
        for i, event in enumerate(batch):
            if isinstance(event, TextDelta):
                self._text += event.text
                continue
            self._emit_text()
            next_event = batch[i + 1] if i + 1 < len(batch) else None
            if not (isinstance(event, Progress) and isinstance(next_event, Progress)):
                self._emit(event)  # (a progress report directly followed by a newer one is dropped)
        self._emit_text()

    def _emit_text(self) -> None:
        if self._text != self._shown_text and not self._detached:
            self._shown_text = self._text
            self.text_changed.emit(self._text)

    def _emit(self, event: Event) -> None:
        self.delivered = isinstance(event, Finished | Failed)
        if self._detached:
            return
        if isinstance(event, Notice):
            self.notice_received.emit(event.message)
        elif isinstance(event, Progress):
            self.progress_made.emit(event.label, event.done, event.total)
        elif isinstance(event, Update):
            self.updated.emit(event.value)
        elif isinstance(event, Finished):
            self.finished.emit(event.result)
        elif isinstance(event, Failed):
            self.failed.emit(event)


class _Readers:
    """Daemon threads that read jobs' events for their bridges, reused from job to job.

    `Thread.start()` returns only once the new thread runs Python; with every core
    busy and the GIL in demand, starting one reader per job kept the GUI thread
    waiting in `follow()` for up to ~180 ms. An idle reader takes the next job
    instead; a thread is started only when none is idle. `ready` of them are started
    at once, while the app starts and nothing competes for the GIL: enough for a
    model load, an answer, an ingest and a download at the same time. Daemon
    threads, so that a job that never ends cannot keep the process from exiting.
    """

    def __init__(self, ready: int = 0) -> None:
        self._work: queue.SimpleQueue[JobBridge | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._idle = ready  # guarded by _lock
        self._threads: list[threading.Thread] = []
        for _ in range(ready):
            self._start_thread()

    def read(self, bridge: JobBridge) -> None:
        with self._lock:
            start = self._idle == 0
            if not start:
                self._idle -= 1  # that reader will take this bridge
        self._work.put(bridge)
        if start:
            self._start_thread()

    def _start_thread(self) -> None:
        thread = threading.Thread(
            target=self._serve, name=f"confidente-gui-reader-{len(self._threads)}", daemon=True
        )
        self._threads.append(thread)
        thread.start()

    def _serve(self) -> None:
        thread = threading.current_thread()
        name = thread.name
        while (bridge := self._work.get()) is not None:
            thread.name = f"confidente-gui-{bridge.job.name}"
            done = bridge.read
            try:
                bridge._read()
            finally:
                # Let go of the bridge before saying so: the GUI thread then holds the
                # last reference, and the QObject is destroyed there, never here.
                del bridge
                done.set()
            thread.name = name
            with self._lock:
                self._idle += 1

    def stop(self, timeout: float) -> None:
        """Let the idle readers end; wait `timeout` at most for all of them."""
        for _ in self._threads:
            self._work.put(None)
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        self._threads = []


class TaskManager(QObject):
    """Starts background work and brings its outcome back to the GUI thread.

    Signals:
        call_failed(object, str): a `run_in_background` function raised this
            exception (with its traceback report); its `on_done` was not called.
    """

    call_failed = Signal(object, str)
    _sig_call_done = Signal(object)  # internal: (future, on_done), from the pool thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="confidente-gui-io")
        self._bridges: list[JobBridge] = []
        self._readers = _Readers(READY_READERS)
        self._pool.submit(int)  # starts its thread now, not on the first call (see _Readers)
        self._stopped = False
        self._switch_interval = sys.getswitchinterval()  # restored by stop()
        sys.setswitchinterval(min(self._switch_interval, GIL_SWITCH_INTERVAL_S))
        self._sig_call_done.connect(self.on_call_done, Qt.ConnectionType.QueuedConnection)

    def run_in_background(self, fn: Callable[[], T], on_done: Callable[[T], None]) -> None:
        """Run `fn` off the GUI thread; call `on_done(result)` back on it.

        Calls run one at a time, in order. An exception is reported by `call_failed`.
        """
        if self._stopped:
            return
        future = self._pool.submit(fn)
        future.add_done_callback(lambda done: self._sig_call_done.emit((done, on_done)))

    def follow(self, job: Job[Any]) -> JobBridge:
        """Start relaying `job`'s events; connect to the returned bridge right away.

        Events reach the bridge through the event loop, so connections made
        before returning to it miss nothing.
        """
        bridge = JobBridge(job)
        # Keep each bridge until its last event is delivered: Qt drops queued
        # events of a deleted receiver.
        self._bridges = [b for b in self._bridges if not (b.read.is_set() and b.delivered)]
        self._bridges.append(bridge)
        if self._stopped:
            bridge.read.set()  # nothing will be read
        else:
            self._readers.read(bridge)
        return bridge

    def stop(self) -> None:
        """Deliver nothing more and wait for pending background calls."""
        if not self._stopped:
            sys.setswitchinterval(self._switch_interval)
        self._stopped = True
        for bridge in self._bridges:
            bridge.detach()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def join(self, timeout: float = JOIN_TIMEOUT_S) -> None:
        """Wait for the reader threads; call once the jobs have ended (services closed)."""
        deadline = time.monotonic() + timeout
        for bridge in self._bridges:
            bridge.read.wait(max(0.0, deadline - time.monotonic()))
        self._readers.stop(max(0.0, deadline - time.monotonic()))
        self._bridges = []

    @Slot(object)
    def on_call_done(self, item: tuple[Future[Any], Callable[[Any], None]]) -> None:
        future, on_done = item
        if self._stopped or future.cancelled():
            return
        error = future.exception()
        if error is not None:
            self.call_failed.emit(error, "".join(traceback.format_exception(error)))
        else:
            on_done(future.result())
