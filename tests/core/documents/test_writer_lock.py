"""One process at a time writes the libraries: another process holding the write lock
refuses every write job with `LibraryBusy` and leaves the library as it was, reads
still answer, and the lock goes when its job ends or its holder dies."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.documents.process import DocumentsProcess
from app.core.documents.records import FileStatus
from app.core.documents.service import DocumentService
from app.core.documents.writer_lock import LOCK_FILE, LibraryBusy, WriterLock
from app.core.paths import AppPaths
from app.core.settings import Settings
from app.core.worker import Worker
from tests.lock_holders import HOLD, LockHolder


# Another process taking the lock as a write job does; it says "held" and keeps the
# lock until its stdin closes (or it is killed).
def paths_of(home: Path) -> AppPaths:
    return AppPaths(home / "data", home / "config", home / "models", home / "cache").ensure()


def documents_folder(home: Path) -> Path:
    return home / "data" / "documents"


@pytest.fixture
def service(confidente_home: Path) -> Iterator[DocumentService]:
    worker = Worker("index").start()
    settings = Settings()
    svc = DocumentService(worker, paths_of(confidente_home), lambda: settings)
    yield svc
    worker.shutdown()
    svc.close()


@pytest.fixture
def notes(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "notes"
    folder.mkdir()
    first = folder / "pump.md"
    first.write_text("The pump P-20 in hall 7 must be serviced every 400 hours.", "utf-8")
    second = folder / "contrato.txt"
    second.write_text(
        "Cláusula 9. El arrendatario debe avisar con un preaviso de sesenta días.", "utf-8"
    )
    return first, second


def snapshot(service: DocumentService) -> tuple[object, ...]:
    """What a refused write must leave alone: the listing, the passages, the vectors."""
    library = service.catalog.library("default")
    assert library is not None
    files = [(f.path, f.status, f.chunks, f.updated) for f in service.files()]
    return (
        files,
        sorted(service.catalog.chunk_ids(library.id)),
        sorted(service.vectors.ids(library.id)),
    )


def test_every_write_is_refused_while_another_window_writes(
    service: DocumentService,
    confidente_home: Path,
    notes: tuple[Path, Path],
    holders: list[LockHolder],
) -> None:
    first, second = notes
    assert service.add([first]).result().count(FileStatus.INDEXED) == 1
    before = snapshot(service)
    holders.append(LockHolder(confidente_home, "window"))

    message = (
        "Confidente is indexing this library in another window; try again when it has finished."
    )
    for job in (
        service.add([second]),
        service.reindex(),
        service.remove([first]),
        service.delete_library("default"),
    ):
        with pytest.raises(LibraryBusy) as refused:
            job.result()
        assert str(refused.value) == message, job.name
    assert snapshot(service) == before

    other = service.add([second], "research")  # the store is shared: refused too, and said so
    with pytest.raises(LibraryBusy, match="indexing the library “default” in another window"):
        other.result()
    assert service.libraries() == ["default"]


def test_search_answers_while_another_process_writes(
    service: DocumentService,
    confidente_home: Path,
    notes: tuple[Path, Path],
    holders: list[LockHolder],
) -> None:
    first, second = notes
    service.add([first]).result()
    holders.append(LockHolder(confidente_home, "window"))

    with pytest.raises(LibraryBusy):  # the lock is held...
        service.add([second]).result()
    found = service.search("When must the pump be serviced?", k=1)  # ...and reads need none
    assert [Path(s.path).name for s in found] == ["pump.md"]
    assert "400 hours" in found[0].text


def test_the_lock_goes_with_its_job_and_with_a_killed_holder(
    service: DocumentService,
    confidente_home: Path,
    notes: tuple[Path, Path],
    holders: list[LockHolder],
) -> None:
    first, second = notes
    assert service.add([first]).result().count(FileStatus.INDEXED) == 1
    lock_file = documents_folder(confidente_home) / LOCK_FILE
    assert lock_file.stat().st_mode & 0o777 == 0o600

    # Released when the job ended: another process takes it at once, and then holds it.
    holder = LockHolder(confidente_home, "terminal")
    holders.append(holder)
    with pytest.raises(LibraryBusy) as refused:
        service.add([second]).result()
    assert str(refused.value) == (
        f"Confidente is indexing this library in a terminal (process {holder.pid}); "
        "try again when it has finished."
    )

    holder.kill()  # no clean-up runs: the system drops the lock with the process
    report = service.add([second]).result()
    assert report.count(FileStatus.INDEXED) == 1
    assert sorted(Path(f.path).name for f in service.files()) == ["contrato.txt", "pump.md"]

    after = LockHolder(confidente_home, "terminal")  # and this job let go of it too
    holders.append(after)
    after.release()
    assert after.process.returncode == 0


def test_the_window_is_told_when_a_terminal_writes(
    confidente_home: Path, notes: tuple[Path, Path], holders: list[LockHolder]
) -> None:
    """The window's jobs run in its index process: the refusal crosses back as LibraryBusy,
    a failure the Documents pane shows like any other."""
    holder = LockHolder(confidente_home, "terminal")
    holders.append(holder)
    documents = DocumentsProcess(paths_of(confidente_home), Settings)
    try:
        with pytest.raises(LibraryBusy, match=rf"in a terminal \(process {holder.pid}\)"):
            documents.add([notes[0]]).result()
        assert documents.files() == []
    finally:
        documents.close()


def try_from_another_process(folder: Path) -> subprocess.CompletedProcess[str]:
    """Take the lock in another process and let go at once (a refusal ends in LibraryBusy)."""
    return subprocess.run(
        [sys.executable, "-c", HOLD, str(folder), "terminal", "default"],
        input="",
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=60,
    )


def test_holds_nest_and_are_shared_by_the_threads_of_one_process(tmp_path: Path) -> None:
    folder = tmp_path / "documents"
    window = WriterLock(folder, "window")
    terminal = WriterLock(folder, "terminal")  # a second service, same process
    inner: list[BaseException | None] = []

    def other_thread() -> None:
        try:
            with terminal.hold("default"):
                inner.append(None)
        except BaseException as exc:
            inner.append(exc)

    with window.hold("default"):
        with window.hold("research"):  # a write within a write
            thread = threading.Thread(target=other_thread)
            thread.start()
            thread.join(10)
        outside = try_from_another_process(folder)  # still held by the outer hold
    assert inner == [None]
    assert outside.returncode == 1
    assert "LibraryBusy: Confidente is indexing this library in another window" in outside.stderr
    after = try_from_another_process(folder)
    assert (after.returncode, after.stdout.strip()) == (0, "held"), after.stderr
