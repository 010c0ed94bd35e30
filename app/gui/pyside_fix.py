"""A workaround for a reference-count bug in PySide6 6.12.0 on Python 3.11.

`SignalInstance.emit()` and `SignalInstance.disconnect()` return True or False
without owning a reference to it, so every call leaves that object's count one
lower. Python 3.12 made True and False immortal; on 3.11 the count reaches zero
after a few thousand signals and the interpreter aborts ("Fatal Python error:
bool_dealloc: deallocating True or False"). Streaming an answer emits tens of
signals a second, so the app would die within minutes. PySide6 6.11.3 does not
have the bug.

`apply()` probes for the bug and, only where it is present, wraps the two
methods so that each call gives the missing reference back. It is applied when
`app.gui` is imported, before any signal is used.
"""

from __future__ import annotations

import ctypes
import functools
import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance

PROBES = 64
MARK = "__confidente_refcount_fix__"

Method = Callable[..., Any]


class _Probe(QObject):
    """Only used to test whether signals leak references."""

    probed = Signal()


def _incref(value: object) -> None:
    ctypes.pythonapi.Py_IncRef(ctypes.py_object(value))


def _bools() -> tuple[int, int]:
    return sys.getrefcount(True), sys.getrefcount(False)


def _leaks(call: Callable[[], object]) -> bool:
    """Whether `call` loses a reference to True or False; the probe's losses are repaid."""
    true_before, false_before = _bools()
    for _ in range(PROBES):
        call()
    true_after, false_after = _bools()
    for value, lost in ((True, true_before - true_after), (False, false_before - false_after)):
        for _ in range(max(lost, 0)):
            _incref(value)
    return max(true_before - true_after, false_before - false_after) > PROBES // 2


def _giving_back_its_reference(method: Method) -> Method:
    @functools.wraps(method)
    def wrapper(self: SignalInstance, *args: Any, **kwargs: Any) -> Any:
        result = method(self, *args, **kwargs)
        if result is True or result is False:
            _incref(result)
        return result

    setattr(wrapper, MARK, True)
    return wrapper


def apply() -> bool:
    """Patch `SignalInstance` if it has the bug; return whether it had. Idempotent."""
    if sys.version_info >= (3, 12):
        return False  # immortal True and False: the lost references do no harm
    if getattr(SignalInstance.emit, MARK, False):
        return True
    probe = _Probe()
    found = False
    if _leaks(probe.probed.emit):
        setattr(SignalInstance, "emit", _giving_back_its_reference(SignalInstance.emit))  # noqa: B010
        found = True
    if _leaks(lambda: probe.probed.disconnect(probe.probed.connect(_nothing))):
        setattr(SignalInstance, "disconnect", _giving_back_its_reference(SignalInstance.disconnect))  # noqa: B010
        found = True
    return found


def _nothing() -> None:
    pass
