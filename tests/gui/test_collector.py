"""The GUI thread's garbage collector: long-lived objects frozen out of every later
collection, garbage made afterwards still collected, and everything restored at stop."""

from __future__ import annotations

import gc
import sys
import types
import weakref
from collections.abc import Iterator
from typing import Any

import pytest

from app.gui.collector import FREEZE_AFTER_MODULES, GuiThreadCollector


class _Node:
    def __init__(self) -> None:
        self.other: Any = None


@pytest.fixture
def collector(qtbot: Any) -> Iterator[GuiThreadCollector]:
    collector = GuiThreadCollector()
    collector.start()
    yield collector
    collector.stop()


def test_start_freezes_what_is_alive_and_stop_restores_collection(qtbot: Any) -> None:
    was_enabled = gc.isenabled()
    collector = GuiThreadCollector()
    collector.start()
    try:
        assert not gc.isenabled()
        assert gc.get_freeze_count() > 1000  # this test process's modules, classes...
    finally:
        collector.stop()
    assert gc.get_freeze_count() == 0
    assert gc.isenabled() == was_enabled


def test_a_large_import_is_frozen_at_the_next_tick(
    collector: GuiThreadCollector, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = []
    for n in range(FREEZE_AFTER_MODULES):
        module = types.ModuleType(f"confidente_test_module_{n}")
        table = [[n, i] for i in range(50)]  # tracked objects an import would make
        module.__dict__["table"] = table
        made.append(table)
        monkeypatch.setitem(sys.modules, module.__name__, module)
    before = gc.get_freeze_count()
    collector.on_tick()
    assert gc.get_freeze_count() >= before + FREEZE_AFTER_MODULES * 50
    tracked = {id(o) for o in gc.get_objects()}
    assert not any(id(table) in tracked for table in made), "frozen objects are not walked"


def test_garbage_made_after_a_freeze_is_still_collected(collector: GuiThreadCollector) -> None:
    a, b = _Node(), _Node()
    a.other, b.other = b, a  # a cycle: only the collector can free it
    gone = weakref.ref(a)
    del a, b
    threshold0 = gc.get_threshold()[0]
    filler: list[list[int]] = [
        [] for _ in range(threshold0 + 1)
    ]  # enough allocations for a collection
    for _ in range(3):  # a young object may need a first and a second generation pass
        collector.on_tick()
        filler.extend([] for _ in range(threshold0 + 1))
        if gone() is None:
            break
    assert gone() is None
