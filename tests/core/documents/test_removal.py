"""Deleted means gone (issue 13): removing documents or a library takes their passages
out of the answers that cited them, drops their vectors for real, reports a failed
drop, and deletes the set-aside copies of a rebuilt vector index."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from app.core.chat.storage import ConversationStore
from app.core.documents.chroma_store import ChromaStore
from app.core.documents.document_index import Catalog
from app.core.documents.embedder import Embedder
from app.core.documents.libraries import repair
from app.core.documents.process import DocumentsProcess
from app.core.documents.records import FileOutcome, FileStatus, Source
from app.core.documents.service import DocumentService
from app.core.documents.vectors import VectorIndex
from app.core.errors import StorageError
from app.core.paths import AppPaths
from app.core.settings import Settings
from app.core.worker import Finished, Job, JobContext, Notice, Worker
from tests.data_keys import home_key
from tests.sqlcipher_pages import decrypted_bytes

SECRET = "Zorrotzaurre-Quillacollo-4471"
ANSWER = "The access code of the archive room is in the note [1]."


def app_paths(home: Path) -> AppPaths:
    return AppPaths(home / "data", home / "config", home / "models", home / "cache").ensure()


@pytest.fixture
def wired(confidente_home: Path) -> Iterator[tuple[DocumentService, ConversationStore]]:
    """The documents and the conversations, wired as `Services` wires them."""
    paths = app_paths(confidente_home)
    store = ConversationStore(paths.conversations_db, home_key())
    worker = Worker("index").start()
    settings = Settings()
    service = DocumentService(worker, paths, lambda: settings, forget_sources=store.forget_sources)
    yield service, store
    worker.shutdown()
    service.close()
    store.close()


def conversation_bytes(store: ConversationStore) -> bytes:
    """The conversation file, after a checkpoint, every page decrypted: what the disk
    holds for someone with the key (to anyone else it is ciphertext)."""
    store._database.execute_outside_transaction("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = b"".join(p.read_bytes() for p in store.path.parent.glob(store.path.name + "*"))
    assert SECRET.encode() not in raw
    return decrypted_bytes(store.path, home_key())


def cite(store: ConversationStore, sources: Sequence[Source]) -> int:
    conversation = store.create_conversation("Archive")
    store.add_message(conversation.id, "user", "What is the access code?")
    store.add_message(conversation.id, "assistant", ANSWER, sources=tuple(sources))
    on_disk = conversation_bytes(store)
    assert SECRET.encode() in on_disk
    assert b"secret-note" in on_disk
    return conversation.id


def check_forgotten(store: ConversationStore, conversation_id: int) -> None:
    [_, answer] = store.messages(conversation_id)
    assert answer.content == ANSWER
    assert answer.sources
    assert all(source.removed for source in answer.sources)
    on_disk = conversation_bytes(store)
    assert SECRET.encode() not in on_disk
    assert b"secret-note" not in on_disk
    assert ANSWER.encode() in on_disk


def test_removing_a_document_removes_its_passages_from_the_answers(
    wired: tuple[DocumentService, ConversationStore], tmp_path: Path
) -> None:
    service, store = wired
    folder = tmp_path / "notes"
    folder.mkdir()
    doc = folder / "secret-note.txt"
    doc.write_text(f"The access code of the archive room is {SECRET}. " * 5, "utf-8")
    service.add([doc]).result()
    conversation_id = cite(store, service.search(SECRET, mode="keyword"))

    outcomes = service.remove([folder]).result()  # a folder: every file under it

    assert [o.status for o in outcomes] == [FileStatus.REMOVED]
    check_forgotten(store, conversation_id)


def test_deleting_a_library_removes_its_passages_from_the_answers(
    wired: tuple[DocumentService, ConversationStore], tmp_path: Path
) -> None:
    service, store = wired
    doc = tmp_path / "secret-note.txt"
    doc.write_text(f"The access code of the archive room is {SECRET}.", "utf-8")
    service.add([doc], "old-project").result()
    conversation_id = cite(store, service.search(SECRET, "old-project", mode="keyword"))

    service.delete_library("old-project").result()

    check_forgotten(store, conversation_id)


def test_the_index_process_forgets_the_sources_here_before_the_job_ends(
    confidente_home: Path,
) -> None:
    told: list[Sequence[str]] = []
    documents = DocumentsProcess(app_paths(confidente_home), Settings, forget_sources=told.append)
    try:
        from app.core.documents.process import _RemoteJob

        job: _RemoteJob[list[FileOutcome]] = _RemoteJob(
            "remove documents", documents, 1, documents._forgotten
        )
        outcomes = [FileOutcome("/a.txt", FileStatus.REMOVED), FileOutcome("/b", FileStatus.FAILED)]
        job._put(Finished(outcomes))
        assert told == [["/a.txt"]]
        assert job.result() == outcomes

        def fails(paths: Sequence[str]) -> None:
            raise StorageError("Could not write to the conversation file: disk full")

        failing: _RemoteJob[list[FileOutcome]] = _RemoteJob("remove", documents, 2, None)
        failing._on_result = lambda result: fails(result)
        failing._put(Finished(outcomes))
        with pytest.raises(StorageError, match="disk full"):
            failing.result()
    finally:
        documents.close()


def traces(vectors: npt.NDArray[np.float32], folder: Path) -> int:
    """How many of `vectors` can be read from the files in `folder`, as given or as
    Chroma's graph stores them (normalised)."""
    on_disk = b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())
    normalised = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return sum(row.tobytes()[:32] in on_disk for rows in (vectors, normalised) for row in rows)


def test_removed_vectors_leave_no_trace_on_disk(tmp_path: Path) -> None:
    rng = np.random.default_rng(13)
    kept, removed, other = (rng.random((250, 16), dtype=np.float32) for _ in range(3))
    folder = tmp_path / "vectors"
    vectors = VectorIndex(folder)
    vectors.add(1, 1, list(range(250)), kept)
    vectors.add(1, 2, list(range(1000, 1250)), removed)
    vectors.add(2, 3, list(range(2000, 2250)), other)
    assert traces(removed, folder) > 0
    assert traces(other, folder) > 0

    vectors.delete_file(1, 2)
    vectors.compact(1)
    vectors.drop(2)
    vectors.scrub()

    assert traces(removed, folder) == 0
    assert traces(other, folder) == 0
    assert vectors.ids(1) == set(range(250))
    vectors.close()
    reopened = VectorIndex(folder)
    assert reopened.query(1, kept[7], 1)[0][0] == 7
    assert reopened.count(2) == 0
    reopened.close()


def test_a_failed_drop_reaches_the_caller(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    vectors = ChromaStore(tmp_path / "vectors")  # in this process, to make Chroma fail
    vectors.add(1, 1, [1, 2], np.ones((2, 8), dtype=np.float32))
    vectors.drop(7)  # one that never existed is already gone: fine
    client = vectors._open()

    def refuse(name: str) -> None:
        raise RuntimeError("database is locked")

    monkeypatch.setattr(client, "delete_collection", refuse)
    with pytest.raises(StorageError, match=r"could not be deleted .*database is locked"):
        vectors.drop(1)
    monkeypatch.undo()
    vectors.drop(1)
    assert vectors.count(1) == 0
    vectors.close()


class _NoEmbedder:
    def __call__(self, name: str | None) -> Embedder:
        raise AssertionError("nothing to embed")


def test_set_aside_copies_are_deleted_once_the_index_is_rebuilt(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.sqlite3", home_key())
    library = catalog.library("default", "test-embedder")
    assert library is not None
    vectors = VectorIndex(tmp_path / "vectors")
    (tmp_path / "vectors").mkdir()  # an index that cannot be opened
    (tmp_path / "vectors" / "chroma.sqlite3").write_bytes(b"not a database" * 1000)
    older = tmp_path / "vectors.broken-20250101-000000"
    older.mkdir()
    (older / "chroma.sqlite3").write_bytes(SECRET.encode())
    notices: list[str] = []

    class Context(JobContext):
        def notice(self, message: str) -> None:
            notices.append(message)

    repair(Context(Job("repair")), catalog, vectors, _NoEmbedder(), library)

    assert any("was moved to vectors.broken-" in n for n in notices)
    assert vectors.set_aside_copies() == []
    assert [p.name for p in tmp_path.iterdir() if "broken" in p.name] == []
    assert vectors.count(library.id) == 0  # the rebuilt index opens
    vectors.close()
    catalog.close()


def test_a_set_aside_copy_that_cannot_be_deleted_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vectors = VectorIndex(tmp_path / "vectors")
    kept = tmp_path / "vectors.broken-20250101-000000"
    kept.mkdir()

    def refuse(path: Any) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("app.core.documents.chroma_store.shutil.rmtree", refuse)
    with pytest.raises(StorageError, match=r"vectors\.broken-20250101-000000 \(Permission denied"):
        vectors.delete_set_aside()


def test_a_failed_wipe_is_a_notice_and_the_answers_still_forget(
    wired: tuple[DocumentService, ConversationStore],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    service, store = wired
    doc = tmp_path / "secret-note.txt"
    doc.write_text(f"The access code of the archive room is {SECRET}.", "utf-8")
    service.add([doc]).result()
    conversation_id = cite(store, service.search(SECRET, mode="keyword"))

    def fails(library_id: int) -> None:
        raise StorageError("The removed documents' vectors could not be wiped: disk full")

    monkeypatch.setattr(service.vectors, "compact", fails)
    job = service.remove([doc])
    events = list(job.events())

    assert any(isinstance(e, Notice) and "disk full" in e.message for e in events)
    assert isinstance(events[-1], Finished)
    check_forgotten(store, conversation_id)
