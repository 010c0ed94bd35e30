"""Python's cycle collector, run on the GUI thread only, while the window is up.

CPython runs its cycle collector on whichever thread crosses an allocation
threshold — here often the model worker or a job reader thread. If the garbage
it finds holds the last reference to a Qt object owned by Python, that object
is destroyed on that thread, and a widget destroyed off the GUI thread crashes
the process. So automatic collection is switched off and a GUI-thread timer
collects instead, generation by generation, with CPython's own thresholds.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer, Slot

INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.on_tick)

    def start(self) -> None:
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        """Collect once more (here, on the GUI thread) and restore automatic collection."""
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()

    @Slot()
    def on_tick(self) -> None:
        threshold0, threshold1, threshold2 = gc.get_threshold()
        count0, count1, count2 = gc.get_count()
        if count0 > threshold0:
            generation = 0
            if count1 > threshold1:
                generation = 2 if count2 > threshold2 else 1
            gc.collect(generation)
