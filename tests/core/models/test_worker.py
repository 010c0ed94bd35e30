"""The model worker holds the engine: its jobs reach it, and fail clearly without one."""

from __future__ import annotations

import pytest

from app.core.errors import ModelError
from app.core.models.worker import ModelWorker


def test_a_job_needing_the_engine_fails_until_one_is_loaded_and_the_worker_goes_on() -> None:
    worker = ModelWorker()
    with pytest.raises(ModelError, match="No model is loaded"):
        worker.submit("needs model", lambda ctx: ctx.engine).result()
    assert worker.submit("after", lambda ctx: 42).result() == 42
    worker.shutdown()
