"""The document index in its own process (how the GUI runs it), with the real parts:
the same answers as in this process, progress, cancel, a killed child, closing, errors
that cross the pipe, and no torch or Chroma in the app's own process."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.documents.process import NICENESS, DocumentsProcess, IndexProcessError
from app.core.documents.process_server import _plain
from app.core.documents.records import FileStatus, IngestProgress, IngestReport
from app.core.documents.service import DocumentService
from app.core.errors import ConfidenteError, DocumentError
from app.core.paths import app_paths
from app.core.settings import Settings
from app.core.worker import Failed, Finished, Update, Worker
from tests.corpus import QUESTIONS

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def documents(confidente_home: Path) -> Iterator[DocumentsProcess]:
    process = DocumentsProcess(app_paths().ensure(), Settings)
    yield process
    process.close()


@pytest.fixture
def some_files(corpus: Path, tmp_path: Path) -> Path:
    """Four files of the corpus that some of its questions are about (PDFs among them)."""
    folder = tmp_path / "some"
    folder.mkdir()
    names = list(dict.fromkeys(q.file for q in QUESTIONS))[:4]
    for name in names:
        shutil.copy2(corpus / name, folder / name)
    return folder


def test_the_child_indexes_and_answers_as_the_service_here_would(
    documents: DocumentsProcess, some_files: Path
) -> None:
    events = list(documents.add([some_files]).events())
    progress = [e.value for e in events if isinstance(e, Update)]
    assert any(isinstance(p, IngestProgress) and p.stage == "done" for p in progress)
    final = events[-1]
    assert isinstance(final, Finished), final
    report: IngestReport = final.result
    assert report.count(FileStatus.INDEXED) == 4, report.outcomes
    assert {Path(f.path).name for f in documents.files()} == {p.name for p in some_files.iterdir()}
    assert "default" in documents.libraries()
    child = documents.child_pid
    assert child is not None
    # Background work: it yields the cores to the window and the answer being written.
    assert os.getpriority(os.PRIO_PROCESS, child) >= os.getpriority(os.PRIO_PROCESS, 0) + NICENESS
    questions = [q.text for q in QUESTIONS if (some_files / q.file).exists()][:6]
    remote = [documents.search(q, k=3) for q in questions]
    assert sum(bool(sources) for sources in remote) >= 3
    documents.close()
    assert documents.child_pid is None

    worker = Worker("index").start()
    here = DocumentService(worker, app_paths().ensure(), Settings)
    try:
        local = [here.search(q, k=3) for q in questions]
    finally:
        worker.shutdown()
        here.close()
    for got, expected in zip(remote, local, strict=True):
        assert [(s.n, s.path, s.page, s.text) for s in got] == [
            (s.n, s.path, s.page, s.text) for s in expected
        ]
        assert [s.score for s in got] == pytest.approx([s.score for s in expected], abs=1e-4)


def test_a_cancel_reaches_the_job_in_the_child(
    documents: DocumentsProcess, some_files: Path
) -> None:
    job = documents.add([some_files])
    for event in job.events():
        if isinstance(event, Update) and isinstance(event.value, IngestProgress):
            if event.value.stage == "done":
                job.cancel()
        elif isinstance(event, Finished):
            report: IngestReport = event.result
    assert report.count(FileStatus.CANCELLED) >= 1
    assert len(documents.files()) < 4
    # The next add finishes the job.
    again = documents.add([some_files]).result()
    assert again.count(FileStatus.CANCELLED) == 0
    assert len(documents.files()) == 4


def test_a_killed_index_process_fails_its_job_clearly_and_the_next_request_restarts_it(
    documents: DocumentsProcess, some_files: Path
) -> None:
    job = documents.add([some_files])
    killed: int | None = None
    events = []
    for event in job.events():
        events.append(event)
        if killed is None and isinstance(event, Update):
            killed = documents.child_pid
            assert killed is not None
            os.kill(killed, signal.SIGKILL)
    final = events[-1]
    assert isinstance(final, Failed)
    assert isinstance(final.error, IndexProcessError)
    assert "stopped unexpectedly" in str(final.error)
    assert final.expected  # a message for the user, not a bug report

    # A new child takes over; the killed job's work is finished by running it again.
    report = documents.add([some_files]).result()
    assert documents.child_pid not in (None, killed)
    assert report.count(FileStatus.FAILED) == 0
    assert {f.status for f in documents.files()} == {"indexed"}
    assert len(documents.files()) == 4


def test_listing_documents_does_not_start_the_index_process(
    documents: DocumentsProcess,
) -> None:
    assert documents.files() == []
    assert documents.libraries() == ["default"]
    assert documents.child_pid is None


def test_start_brings_the_child_up_before_any_request(documents: DocumentsProcess) -> None:
    """What the window does as it opens, so the first drop does not wait for it."""
    documents.start()
    deadline = time.monotonic() + 60
    while documents.child_pid is None and time.monotonic() < deadline:
        threading.Event().wait(0.05)  # polling the pid: there is no signal to wait on
    child = documents.child_pid
    assert child is not None
    assert documents.files() == []  # and it serves as usual
    assert documents.warm_up().result() is False  # nothing indexed yet
    assert documents.child_pid == child  # the same child, not a second one


def test_bad_requests_are_refused_at_once_and_errors_in_the_child_come_back(
    documents: DocumentsProcess,
) -> None:
    with pytest.raises(DocumentError, match="at least one"):
        documents.add([])
    with pytest.raises(DocumentError, match="Invalid library name"):
        documents.add(["x"], library="\x00")
    with pytest.raises(DocumentError, match="Type a question"):
        documents.search("   ")
    with pytest.raises(ValueError, match="unknown search mode"):  # a bug's own type
        documents.search("anything", mode="bogus")
    failed = documents.delete_library("never-made")
    with pytest.raises(DocumentError, match="no library called"):
        failed.result()


def test_closing_cancels_what_runs_and_stops_the_child(
    documents: DocumentsProcess, some_files: Path
) -> None:
    job = documents.add([some_files])
    for event in job.events():
        if isinstance(event, Update):
            break
    child = documents.child_pid
    assert child is not None
    documents.close()
    final = list(job.events())[-1]
    assert isinstance(final, Finished | Failed)
    if isinstance(final, Finished):  # the job saw the cancel: files left are marked so
        assert final.result.count(FileStatus.CANCELLED) >= 1
    assert documents.child_pid is None
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)
    with pytest.raises(ConfidenteError, match="closing"):
        documents.files()
    assert isinstance(list(documents.reindex().events())[-1], Failed)


class _Unrebuildable(Exception):
    def __init__(self, code: int, where: str) -> None:
        super().__init__(f"{code} at {where}")


def test_an_error_that_cannot_be_rebuilt_crosses_as_its_message() -> None:
    error = _Unrebuildable(7, "the vector index")
    with pytest.raises(TypeError):
        pickle.loads(pickle.dumps(error))
    plain = pickle.loads(pickle.dumps(_plain(Failed(error, "trace"))))
    assert isinstance(plain, Failed)
    assert plain.report == "trace"
    assert str(plain.error) == "_Unrebuildable: 7 at the vector index"
    kept = _plain(Failed(DocumentError("No such library.", detail="d"), ""))
    assert isinstance(kept.error, ConfidenteError)
    assert (kept.error.message, kept.error.detail) == ("No such library.", "d")


def test_the_apps_own_process_never_imports_torch_or_chroma(tmp_path: Path) -> None:
    """What keeps the window responsive: the heavy libraries live in the child only."""
    note = tmp_path / "note.txt"
    note.write_text("The harbour master keeps the tide tables in the blue cabinet.\n")
    script = (
        "import json, sys\n"
        "from app.core.services import Services\n"
        "if __name__ == '__main__':\n"
        "    services = Services(documents_process=True)\n"
        f"    report = services.documents.add([{str(note)!r}]).result()\n"
        "    sources = services.documents.search('where are the tide tables kept')\n"
        "    services.close()\n"
        "    print(json.dumps({'statuses': [str(o.status) for o in report.outcomes],\n"
        "        'sources': [s.text for s in sources],\n"
        "        'heavy': sorted(m for m in ('torch', 'chromadb', 'sentence_transformers')\n"
        "                        if m in sys.modules)}))\n"
    )
    env = {**os.environ, "CONFIDENTE_HOME": str(tmp_path / "home")}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["heavy"] == []
    assert result["statuses"] == ["indexed"]
    assert any("blue cabinet" in text for text in result["sources"])
