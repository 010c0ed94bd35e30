"""The index process's side: a real `DocumentService`, serving `DocumentsProcess`.

`serve` is the spawned child's whole life (multiprocessing imports this module
there and calls it). Each request is a pickled
`(kind, call_id, method, args, settings)`: kind "job" runs one of `JOBS` and
streams its events back, "call" runs one of `CALLS` and returns its value, and
"cancel" cancels a job; None asks the child to close the index and exit. Each
reply is a pickled `(kind, call_id, payload)` with kind "event", "result" or
"error", the payload itself pickled, so that one the parent cannot unpickle
fails only its own request.
"""

from __future__ import annotations

import contextlib
import pickle
import signal
import threading
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from app.core.data_key import DataKey
from app.core.documents.limits import ExtractionLimits
from app.core.errors import ConfidenteError, DocumentError
from app.core.paths import AppPaths
from app.core.settings import Settings
from app.core.worker import Failed, Job

# What the parent may ask for: jobs stream events back, calls return one value.
JOBS = frozenset({"add", "reindex", "remove", "delete_library", "warm_up"})
CALLS = frozenset({"search"})
CLOSE_SECONDS = 30.0  # for the child to cancel its job and close the index cleanly


def serve(conn: Connection, paths: AppPaths, limits: ExtractionLimits, key: DataKey) -> None:
    """The child's whole life: run each request on a real DocumentService until told to stop."""
    from app.core import privacy
    from app.core.documents.service import DocumentService
    from app.core.worker import Worker

    privacy.enter_child()  # first: the offline environment and the network guard
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is for the parent to handle
    current = [Settings()]
    worker = Worker("index")
    service = DocumentService(worker, paths, lambda: current[0], limits, writer="window", key=key)
    send_lock = threading.Lock()
    jobs: dict[int, Job[Any]] = {}

    def reply(kind: str, call_id: int, value: Any) -> None:
        try:
            payload = pickle.dumps(value)
        except Exception:  # something in it does not pickle: send what it says instead
            payload = pickle.dumps(_plain(value))
        with send_lock, contextlib.suppress(OSError, ValueError):
            conn.send_bytes(pickle.dumps((kind, call_id, payload)))

    def forward(call_id: int, job: Job[Any]) -> None:
        for event in job.events():
            reply("event", call_id, event)
        jobs.pop(call_id, None)

    def call(call_id: int, method: str, args: tuple[Any, ...]) -> None:
        try:
            reply("result", call_id, getattr(service, method)(*args))
        except ConfidenteError as error:
            reply("error", call_id, (error, ""))
        except Exception as error:
            reply("error", call_id, (error, traceback.format_exc()))

    while True:
        try:
            request = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            break  # the app is gone
        if request is None:
            break
        kind, call_id, method, args, settings = request
        if settings is not None:
            current[0] = settings
        if kind == "cancel":
            job = jobs.get(call_id)
            if job is not None:
                job.cancel()
            continue
        if kind == "job" and method in JOBS:
            try:
                job = getattr(service, method)(*args)
            except ConfidenteError as error:
                reply("event", call_id, Failed(error, ""))
                continue
            jobs[call_id] = job
            target: Callable[..., None] = forward
            arguments: tuple[Any, ...] = (call_id, job)
        elif kind == "call" and method in CALLS:
            target, arguments = call, (call_id, method, args)
        else:
            reply("error", call_id, (DocumentError(f"Unknown request {method!r}."), ""))
            continue
        threading.Thread(target=target, args=arguments, daemon=True).start()
    worker.shutdown(CLOSE_SECONDS)
    service.close()


def _plain(value: Any) -> Any:
    """A stand-in that pickles, for a reply that does not (an exotic exception type)."""
    if isinstance(value, Failed):
        return Failed(_plain_error(value.error), value.report)
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], BaseException):
        return (_plain_error(value[0]), value[1])
    return _plain_error(TypeError(f"A {type(value).__name__} result could not be sent back."))


def _plain_error(error: BaseException) -> BaseException:
    if isinstance(error, ConfidenteError):
        return ConfidenteError(error.message, detail=error.detail)
    return RuntimeError(f"{type(error).__name__}: {error}")
