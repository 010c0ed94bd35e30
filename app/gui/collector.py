"""Python's cycle collector, run on the GUI thread only, while the window is up.

CPython runs its cycle collector on whichever thread crosses an allocation
threshold — here often the model worker or a job reader thread. If the garbage
it finds holds the last reference to a Qt object owned by Python, that object
is destroyed on that thread, and a widget destroyed off the GUI thread crashes
the process. So automatic collection is switched off and a GUI-thread timer
collects instead, generation by generation, with CPython's own thresholds.

A full collection walks every object the process tracks, with the GIL held:
after PySide6, llama_cpp, numpy and Jinja are imported that is over 100,000
objects and 30-60 ms on this machine's cores, a stall the user feels. Nearly
all of them are modules, classes and functions that live as long as the
process. So they are frozen (`gc.freeze`) once the window is built and again
after each large import (a model's first load brings in llama_cpp): frozen
objects are left out of every later collection, which then walks only what
the app made since. Garbage present at a freeze is kept until the app closes
(`stop` unfreezes and collects), so the first freeze follows a collection, and
later ones come at the first tick after the import: at most half a second's
leftovers are kept that way, once per large import.
"""

from __future__ import annotations

import gc
import sys

from PySide6.QtCore import QObject, QTimer, Slot

INTERVAL_MS = 500
# Modules imported since the last freeze that make an import "large".
FREEZE_AFTER_MODULES = 20


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        self._modules = len(sys.modules)
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.on_tick)

    def start(self) -> None:
        self._was_enabled = gc.isenabled()
        gc.disable()
        gc.collect()
        self._freeze()
        self._timer.start()

    def stop(self) -> None:
        """Collect once more (here, on the GUI thread) and restore automatic collection."""
        self._timer.stop()
        gc.unfreeze()
        gc.collect()
        if self._was_enabled:
            gc.enable()

    def _freeze(self) -> None:
        gc.freeze()
        self._modules = len(sys.modules)

    @Slot()
    def on_tick(self) -> None:
        if len(sys.modules) - self._modules >= FREEZE_AFTER_MODULES:
            self._freeze()
            return
        threshold0, threshold1, threshold2 = gc.get_threshold()
        count0, count1, count2 = gc.get_count()
        if count0 > threshold0:
            generation = 0
            if count1 > threshold1:
                generation = 2 if count2 > threshold2 else 1
            gc.collect(generation)
