"""The vector index runs Chroma in a child that only ever receives numbers.

Chroma writes its graph files from buffers it does not clear; in a process that
had read documents, pieces of them reached `vectors/` unencrypted (a CI run found
a canary sentence in `length.bin`). These tests check the split itself: the
process that uses the index never loads Chroma, the child's failures come back
as StorageError, and a child that died is replaced.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import psutil
import pytest

from app.core.documents.vectors import VectorIndex
from app.core.errors import StorageError

USES_THE_INDEX = """
import json, sys
import numpy as np
import psutil
from pathlib import Path
from app.core.documents.vectors import VectorIndex

vectors = VectorIndex(Path(sys.argv[1]))
rows = np.eye(4, 8, dtype=np.float32)
vectors.add(1, 1, [10, 11, 12, 13], rows)
best = vectors.query(1, rows[2], 1)
child = vectors.pid
vectors.close()
print(json.dumps({"best": best[0][0], "chroma_here": "chromadb" in sys.modules,
                  "child": child, "me": __import__("os").getpid()}))
"""


def test_the_process_that_uses_the_index_never_loads_chroma(tmp_path: Path) -> None:
    folder = tmp_path / "vectors"
    run = subprocess.run(
        [sys.executable, "-c", USES_THE_INDEX, str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    reply = json.loads(run.stdout)
    assert reply["best"] == 12  # the child really answered
    assert reply["chroma_here"] is False
    assert reply["child"] not in (None, reply["me"])
    assert (folder / "chroma.sqlite3").is_file()  # written by the child


def test_a_failure_in_the_child_is_a_storage_error_and_the_index_goes_on(
    tmp_path: Path,
) -> None:
    vectors = VectorIndex(tmp_path / "vectors")
    try:
        vectors.add(1, 1, [1, 2], np.ones((2, 8), dtype=np.float32))
        with pytest.raises(StorageError, match="vector index"):
            vectors.query(1, np.ones(16, dtype=np.float32), 1)  # the wrong dimension
        assert vectors.count(1) == 2
        with pytest.raises(StorageError, match="no operation '_open'"):
            vectors._ask("_open")  # only the store's public operations are forwarded
    finally:
        vectors.close()


def test_a_child_that_dies_fails_its_request_and_the_next_one_starts_anew(
    tmp_path: Path,
) -> None:
    vectors = VectorIndex(tmp_path / "vectors")
    try:
        vectors.add(1, 1, [1, 2, 3], np.eye(3, 8, dtype=np.float32))
        first = vectors.pid
        assert first is not None
        os.kill(first, signal.SIGSTOP)  # it cannot answer: the request below waits
        with ThreadPoolExecutor(1) as pool:
            waiting = pool.submit(vectors.count, 1)
            time.sleep(0.3)
            assert not waiting.done()
            os.kill(first, signal.SIGKILL)  # and dies while the request waits
            with pytest.raises(StorageError, match="stopped unexpectedly"):
                waiting.result(timeout=30)
        assert vectors.count(1) == 3  # a new child, the same files
        assert vectors.pid not in (None, first)
    finally:
        vectors.close()
    assert vectors.pid is None  # closed: no child left running


def test_an_index_dropped_without_close_lets_its_child_end(tmp_path: Path) -> None:
    vectors = VectorIndex(tmp_path / "vectors")
    vectors.add(1, 1, [1], np.ones((1, 8), dtype=np.float32))
    child = psutil.Process(vectors.pid)
    del vectors
    gc.collect()
    child.wait(timeout=30)  # psutil.TimeoutExpired if it were still running
    assert (tmp_path / "vectors" / "chroma.sqlite3").is_file()
