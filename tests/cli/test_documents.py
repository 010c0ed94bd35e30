"""The document commands as real subprocesses: JSON shapes, offline, killed mid-ingest."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest

from app.core.documents.document_index import Catalog
from app.core.documents.vectors import VectorIndex
from tests.cli.test_cli import CLI, _env, _run, _unshare_works
from tests.data_keys import home_key


def small_folder(root: Path) -> Path:
    folder = root / "docs"
    folder.mkdir()
    (folder / "contrato.txt").write_text(
        "Cláusula 9. El arrendatario debe avisar con un preaviso de sesenta días antes de "
        "dejar la vivienda. La fianza se devuelve en un mes.",
        "utf-8",
    )
    (folder / "pump.md").write_text(
        "# Pump P-20\n\nThe pump P-20 in hall 7 must be serviced every 400 hours.", "utf-8"
    )
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\nendobj\n")
    return folder


def test_add_docs_search_remove(confidente_home: Path, tmp_path: Path) -> None:
    folder = small_folder(tmp_path)
    added = _run(["add", str(folder), "--json"], confidente_home)
    assert added.returncode == 1, added.stderr  # one file failed: say so in the exit code
    document = json.loads(added.stdout)
    status = {Path(f["path"]).name: f["status"] for f in document["files"]}
    assert status == {
        "contrato.txt": "indexed",
        "pump.md": "indexed",
        "photo.png": "skipped",
        "broken.pdf": "failed",
    }
    reasons = {Path(f["path"]).name: f["reason"] for f in document["files"]}
    assert "Image" in reasons["photo.png"]
    assert reasons["broken.pdf"]
    assert "Traceback" not in added.stderr

    docs = json.loads(_run(["docs", "--json"], confidente_home).stdout)
    listed = {Path(f["path"]).name: f for f in docs["files"]}
    assert listed["contrato.txt"]["status"] == "indexed"
    assert listed["contrato.txt"]["chunks"] >= 1
    assert listed["broken.pdf"]["status"] == "failed"
    assert listed["photo.png"]["status"] == "skipped"  # listed with its reason, not lost
    assert "Image" in listed["photo.png"]["reason"]

    found = _run(["search", "preaviso de sesenta dias", "--json", "-k", "2"], confidente_home)
    assert found.returncode == 0, found.stderr
    sources = json.loads(found.stdout)
    assert isinstance(sources, list)
    assert 1 <= len(sources) <= 2
    assert set(sources[0]) == {"n", "path", "page", "text", "score"}
    assert sources[0]["n"] == 1
    assert sources[0]["page"] is None
    assert Path(sources[0]["path"]).name == "contrato.txt"
    assert "sesenta días" in sources[0]["text"]

    removed = _run(["remove", str(folder / "contrato.txt"), "--json"], confidente_home)
    assert removed.returncode == 0, removed.stderr
    assert json.loads(removed.stdout)[0]["status"] == "removed"
    again = json.loads(_run(["search", "preaviso", "--json"], confidente_home).stdout)
    assert all(Path(s["path"]).name != "contrato.txt" for s in again)

    vague = _run(["remove"], confidente_home)
    assert vague.returncode == 1
    assert "--all" in vague.stderr
    everything = _run(["remove", "--all", "--json"], confidente_home)
    assert everything.returncode == 0, everything.stderr
    assert {Path(o["path"]).name for o in json.loads(everything.stdout)} == {
        "pump.md",
        "photo.png",
        "broken.pdf",
    }
    assert json.loads(_run(["docs", "--json"], confidente_home).stdout)["files"] == []


def test_ask_answers_with_sources_or_says_nothing_was_found(
    confidente_home: Path, tmp_path: Path, starter_model: Path
) -> None:
    folder = small_folder(tmp_path)
    _run(["add", str(folder)], confidente_home)
    asked = _run(
        [
            "ask",
            "How often must pump P-20 be serviced?",
            "--json",
            "--max-tokens",
            "24",
            "--model",
            str(starter_model),
        ],
        confidente_home,
    )
    assert asked.returncode == 0, asked.stderr
    document = json.loads(asked.stdout)
    assert set(document) >= {"answer", "sources", "model", "timings"}
    assert document["answer"].strip()
    assert document["model"] == "Gemma 3 270m"
    assert Path(document["sources"][0]["path"]).name == "pump.md"
    assert document["timings"]["retrieval_ms"] > 0

    nothing = _run(
        [
            "ask",
            "¿Cuál es la receta de la paella valenciana?",
            "--json",
            "--model",
            str(starter_model),
        ],
        confidente_home,
    )
    assert nothing.returncode == 0, nothing.stderr
    document = json.loads(nothing.stdout)
    assert document["sources"] == []
    assert "No he encontrado nada" in document["answer"]


def test_ask_about_an_empty_library_is_a_clear_message(
    confidente_home: Path, starter_model: Path
) -> None:
    result = _run(
        [
            "ask",
            "What does the contract say?",
            "--library",
            "nothing-here",
            "--model",
            str(starter_model),
        ],
        confidente_home,
    )
    assert result.returncode == 0, result.stderr
    assert "found nothing" in result.stdout


def test_bad_paths_and_values_are_clear_errors(confidente_home: Path, tmp_path: Path) -> None:
    missing = _run(["add", str(tmp_path / "nope"), "--json"], confidente_home)
    assert missing.returncode == 1
    assert json.loads(missing.stdout)["files"][0]["reason"] == "No such file or folder."
    bad_k = _run(["search", "x", "-k", "0"], confidente_home)
    assert bad_k.returncode == 1
    assert "-k must be" in bad_k.stderr
    bad_library = _run(["docs", "--library", " "], confidente_home)
    assert bad_library.returncode == 1
    assert "Invalid library name" in bad_library.stderr


@pytest.mark.skipif(not _unshare_works(), reason="this machine does not allow network namespaces")
def test_documents_work_with_networking_cut(
    confidente_home: Path, tmp_path: Path, starter_model: Path
) -> None:
    """add (sentence-transformers, Chroma) and ask, outside pytest, with only loopback."""
    folder = small_folder(tmp_path)
    env = _env(confidente_home)
    added = subprocess.run(
        ["unshare", "-rn", *CLI, "add", str(folder), "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert json.loads(added.stdout)["counts"]["indexed"] == 2, added.stderr
    asked = subprocess.run(
        [
            "unshare",
            "-rn",
            *CLI,
            "ask",
            "pump P-20 service interval",
            "--json",
            "--max-tokens",
            "8",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert asked.returncode == 0, asked.stderr
    assert json.loads(asked.stdout)["sources"]


def index_state(home: Path) -> tuple[dict[str, str], set[int], set[int]]:
    """(state by file name, indexed chunk ids, vector ids) read straight from disk."""
    catalog = Catalog(home / "data" / "documents" / "catalog.sqlite3", home_key(home))
    vectors = VectorIndex(home / "data" / "documents" / "vectors")
    try:
        library = catalog.library("default")
        if library is None:
            return {}, set(), set()
        states = {Path(f.path).name: f.status for f in catalog.files(library.id)}
        return states, catalog.chunk_ids(library.id), vectors.ids(library.id)
    finally:
        vectors.close()
        catalog.close()


@pytest.mark.slow
def test_killed_ingest_leaves_an_index_that_opens_and_a_rerun_finishes(
    confidente_home: Path, corpus: Path
) -> None:
    env = _env(confidente_home)
    kills = 0
    delay = 2.0
    while True:
        proc = subprocess.Popen(
            [*CLI, "add", str(corpus), "--json"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            proc.wait(timeout=delay)
            break  # it finished before we killed it
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.communicate()
            kills += 1
        # The index opens and answers after every kill.
        searched = _run(["search", "temperatura", "--json"], confidente_home)
        assert searched.returncode == 0, searched.stderr
        json.loads(searched.stdout)
        delay *= 1.6  # a few kills at growing stages, however slow the machine is today
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
    assert kills >= 3

    # Everything is indexed exactly once, with one vector per passage.
    states, chunk_ids, vector_ids = index_state(confidente_home)
    names = {p.name for p in corpus.iterdir()}
    assert set(states) == names
    assert set(states.values()) == {"indexed"}
    assert chunk_ids == vector_ids

    # Same as a clean, uninterrupted run.
    clean_home = confidente_home.parent / "clean-home"
    started = time.monotonic()
    clean = subprocess.run(
        [*CLI, "add", str(corpus), "--json"], env=_env(clean_home), capture_output=True, text=True
    )
    assert clean.returncode == 0, clean.stderr
    print(f"\nclean ingest took {time.monotonic() - started:.1f} s; {kills} kills before")
    clean_states, clean_chunks, _ = index_state(clean_home)
    assert clean_states == states
    assert len(clean_chunks) == len(chunk_ids)
