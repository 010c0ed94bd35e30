"""How long the GUI thread's event loop is kept from running: a heartbeat timer.

A `QTimer` on the GUI thread ticks every `TICK_MS` (a precise timer, not a
coarse one). Each tick notes the time; a stall is how much later a tick came
than it was due, i.e. the gap since the previous tick minus the interval. The
tick is a Python slot, so it measures exactly what the user feels: the loop
must be free *and* the GUI thread must get the GIL back. Whatever delays it —
a slow slot, a model reset, a synchronous read, a garbage collection, another
thread holding the GIL in C code, CPU starvation — delays every click and
repaint by the same amount, and shows up here.

Why not a watchdog thread that pings the GUI thread? The watchdog needs the GIL
itself to send the ping and to read the clock, so a thread hogging the GIL
would stop the watchdog too and hide the very stall it should see. The timer
has no such blind spot: the clock is read on the GUI thread as soon as it runs
Python again.

An optional sampler thread (`sample_stacks=True`) is only a diagnostic: while
a tick is overdue by more than `sample_after_ms`, it records every thread's
Python stack, so a stall can be traced to its cause. Its samples are taken
only when it gets the GIL, which is itself informative (a stall with no
samples was a GIL hog in C code).
"""

from __future__ import annotations

import statistics
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Qt, QTimer, Slot

TICK_MS = 5
STACK_DEPTH = 6  # innermost frames kept per sampled stack
# A thread whose innermost frame is one of these is waiting, not working.
IDLE_FRAMES = {"get", "wait", "_wait_for_tstate_lock", "select", "sleep", "accept", "recv"}


@dataclass(frozen=True)
class StallSummary:
    ticks: int
    seconds: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    over_50_ms: int
    worst: list[tuple[float, float]]  # (seconds since start, stall ms), longest first

    def line(self) -> str:
        return (
            f"GUI-thread stalls over {self.seconds:.1f} s ({self.ticks} ticks of {TICK_MS} ms): "
            f"p50 {self.p50_ms:.1f} ms, p99 {self.p99_ms:.1f} ms, max {self.max_ms:.1f} ms, "
            f"{self.over_50_ms} over 50 ms"
        )


@dataclass
class StackSample:
    at: float  # seconds since start
    overdue_ms: float
    stacks: dict[str, str] = field(default_factory=dict)  # thread name → formatted stack


class StallMonitor(QObject):
    """Start it on the GUI thread, run the event loop, stop it, read `summary()`."""

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        sample_stacks: bool = False,
        sample_after_ms: float = 30.0,
    ) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.on_tick)
        self._started = 0.0
        self._last = 0.0
        self.stalls: list[tuple[float, float]] = []  # (seconds since start, ms late)
        self.samples: list[StackSample] = []
        self._sample_stacks = sample_stacks
        self._sample_after = sample_after_ms / 1000
        self._running = threading.Event()
        self._sampler: threading.Thread | None = None

    def start(self) -> None:
        self.stalls = []
        self.samples = []
        self._started = self._last = time.perf_counter()
        self._timer.start()
        if self._sample_stacks:
            self._running.set()
            self._sampler = threading.Thread(target=self._sample, name="stall-sampler")
            self._sampler.start()

    def stop(self) -> None:
        self._timer.stop()
        self._running.clear()
        if self._sampler is not None:
            self._sampler.join()
            self._sampler = None

    @Slot()
    def on_tick(self) -> None:
        now = time.perf_counter()
        late_ms = max(0.0, (now - self._last) * 1000 - TICK_MS)
        self.stalls.append((now - self._started, late_ms))
        self._last = now

    def summary(self) -> StallSummary:
        values = [ms for _, ms in self.stalls] or [0.0]
        ordered = sorted(values)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        worst = sorted(self.stalls, key=lambda s: s[1], reverse=True)[:10]
        seconds = self.stalls[-1][0] if self.stalls else 0.0
        return StallSummary(
            ticks=len(self.stalls),
            seconds=seconds,
            p50_ms=statistics.median(values),
            p99_ms=p99,
            max_ms=ordered[-1],
            over_50_ms=sum(1 for v in values if v > 50),
            worst=worst,
        )

    def _sample(self) -> None:
        """Sampler thread: while a tick is overdue, record every busy thread's stack."""
        gui = threading.main_thread().ident
        me = threading.get_ident()
        while self._running.is_set():
            time.sleep(0.005)
            now = time.perf_counter()
            overdue = now - self._last - TICK_MS / 1000
            if overdue < self._sample_after:
                continue
            names = {t.ident: t.name for t in threading.enumerate()}
            sample = StackSample(now - self._started, overdue * 1000)
            for ident, frame in sys._current_frames().items():
                if ident == me:
                    continue
                stack = traceback.extract_stack(frame)
                if ident != gui and stack and stack[-1].name in IDLE_FRAMES:
                    continue
                name = "GUI" if ident == gui else names.get(ident, str(ident))
                sample.stacks[name] = "".join(traceback.format_list(stack[-STACK_DEPTH:]))
            self.samples.append(sample)

    def stall_reports(self, min_ms: float = 50.0, limit: int = 8) -> list[str]:
        """For the longest stalls, what each busy thread was doing while it lasted."""
        reports = []
        for at, ms in sorted(self.stalls, key=lambda s: s[1], reverse=True)[:limit]:
            if ms < min_ms:
                break
            begun = at - ms / 1000
            during = [s for s in self.samples if begun <= s.at <= at + 0.005]
            lines = [f"stall of {ms:.0f} ms ending at {at:.2f} s: {len(during)} samples"]
            seen: set[tuple[str, str]] = set()
            for sample in during:
                for name, stack in sample.stacks.items():
                    if (name, stack) not in seen:
                        seen.add((name, stack))
                        lines.append(f"  [{name}] at +{sample.overdue_ms:.0f} ms\n{stack}")
            reports.append("\n".join(lines))
        return reports
