"""A cancel flag shared between the asker (GUI, CLI) and the worker doing the job."""

from __future__ import annotations

import threading


class CancelToken:
    """Set once by whoever wants the work stopped; polled by the worker between steps."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()
