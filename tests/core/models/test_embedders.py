"""Embedding models from the catalog: download as a folder, load, cap chunks, switch libraries.

The Hugging Face Hub cannot be reached from here (no internet), so
`tests.hub_standin` serves files over HTTP on 127.0.0.1 the way the Hub does,
and `HF_ENDPOINT` points the app at it. What it serves is the real packaged
all-MiniLM-L6-v2 folder (`embedder_location(None)`), listed under an entry of
a test catalog (`CONFIDENTE_CATALOG`): so the download, its checksums and the
quarantine are real, and the downloaded model really embeds. The tests that
switch a library install that same folder by copying it (with the manifest a
download writes), to spare each of them a 90 MB transfer.

The GUI's tests (tests/gui/models/test_embedders.py) set up the same way, with the helpers here:
`packaged_files`, `_entry` and `_write_catalog`, `serve_packaged`, `install_copy`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from app.core.documents.embedder import (
    MANIFEST_FILE,
    STARTER_EMBEDDER,
    Embedder,
    EmbedderManifest,
    EmbeddingError,
    ManifestFile,
    chunk_limits,
    embedder_location,
    embedder_name,
    embedders_folder,
    max_chunk_chars,
)
from app.core.documents.records import FileStatus, IngestProgress, IngestReport, Page
from app.core.documents.service import DocumentService
from app.core.errors import ModelError
from app.core.models.download import DownloadProgress, DownloadStopped
from app.core.models.embedders import InstalledEmbedder
from app.core.models.model_catalog import CATALOG_VARIABLE, load_catalog, load_embedders
from app.core.paths import AppPaths
from app.core.services import Services
from app.core.settings import Settings
from app.core.worker import Failed, Finished, Update, Worker
from tests.hub_standin import HubStandIn

TEST_ID = "test-minilm"
TEST_NAME = "Test MiniLM"
REPO = "someone/test-MiniLM"
REVISION = "89abcdef0123456789abcdef0123456789abcdef"
# What a sentence-transformers load needs of the packaged folder (not its README).
NEEDED = (
    "config.json",
    "config_sentence_transformers.json",
    "model.safetensors",
    "modules.json",
    "sentence_bert_config.json",
    "special_tokens_map.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "vocab.txt",
    "1_Pooling/config.json",
)
SMALL_FOLDER_BYTES = 2_000_000  # everything but the weights


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def packaged_files() -> dict[str, Path]:
    """The files of the packaged model a download needs, by their path in the repo."""
    folder = embedder_location(None)
    return {name: folder / name for name in NEEDED}


@pytest.fixture(scope="module")
def packaged() -> dict[str, Path]:
    return packaged_files()


def _entry(packaged: dict[str, Path], **changes: Any) -> dict[str, Any]:
    files = [
        {"path": name, "size_bytes": path.stat().st_size, "sha256": _sha256(path)}
        for name, path in packaged.items()
    ]
    entry: dict[str, Any] = {
        "id": TEST_ID,
        "kind": "embedder",
        "name": TEST_NAME,
        "repo": REPO,
        "revision": REVISION,
        "size_bytes": sum(f["size_bytes"] for f in files),
        "dimension": 384,
        "max_tokens": 256,
        "query_prefix": "",
        "passage_prefix": "",
        "languages": ["en"],
        "licence": "Apache-2.0",
        "summary": "The packaged model, served by the stand-in Hub.",
        "files": files,
    }
    entry.update(changes)
    return entry


def _write_catalog(path: Path, *embedders: dict[str, Any]) -> Path:
    path.write_text(json.dumps({"version": 2, "models": [], "embedders": list(embedders)}), "utf-8")
    return path


def serve_packaged(
    server: HubStandIn, packaged: dict[str, Path], weights_per_second: float | None = None
) -> None:
    """Have the stand-in Hub serve the packaged model at the test entry's repo and revision;
    the weights throttled to `weights_per_second`, if given."""
    for name, path in packaged.items():
        rate = weights_per_second if name == "model.safetensors" else None
        server.add_file(REPO, name, path, bytes_per_second=rate)
        server.pin(REPO, name, REVISION)


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch, packaged: dict[str, Path]) -> Iterator[HubStandIn]:
    with HubStandIn() as server:
        monkeypatch.setenv("HF_ENDPOINT", server.endpoint)
        serve_packaged(server, packaged)
        yield server


@pytest.fixture
def catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, packaged: dict[str, Path]) -> Path:
    path = _write_catalog(tmp_path / "catalog.json", _entry(packaged))
    monkeypatch.setenv(CATALOG_VARIABLE, str(path))
    return path


def install_copy(models_dir: Path, id: str = TEST_ID, **manifest: Any) -> Path:
    """Install the packaged model as if downloaded: its files and the manifest."""
    folder = embedders_folder(models_dir) / id
    shutil.copytree(embedder_location(None), folder)
    values: dict[str, Any] = {"id": id, "name": id, "dimension": 384, "max_tokens": 256}
    values.update(manifest)
    files = tuple(
        ManifestFile(p.relative_to(folder).as_posix(), p.stat().st_size, _sha256(p))
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    )
    written = EmbedderManifest(**values, files=files)
    (folder / MANIFEST_FILE).write_text(json.dumps(written.to_json()), "utf-8")
    return folder


def _gets(hub: HubStandIn) -> list[str]:
    return [r.path for r in hub.requests if r.method == "GET"]


# -- the catalog --------------------------------------------------------------------------


def test_the_catalog_offers_multilingual_embedders_beside_the_models() -> None:
    assert len(load_catalog()) == 8  # the chat models are read as before
    embedders = {e.id: e for e in load_embedders()}
    minilm = embedders["paraphrase-multilingual-minilm-l12-v2"]
    assert minilm.repo == "sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2"
    assert len(minilm.revision) == 40
    assert (minilm.dimension, minilm.max_tokens, minilm.licence) == (384, 128, "Apache-2.0")
    assert {"es", "en"} <= set(minilm.languages)
    assert minilm.verified_by_catalog  # every file's SHA-256 and size come from the catalog
    assert minilm.size_bytes == sum(f.size_bytes or 0 for f in minilm.files)
    assert {"modules.json", "1_Pooling/config.json", "model.safetensors"} <= {
        f.path for f in minilm.files
    }
    e5 = embedders["multilingual-e5-small"]
    assert (e5.query_prefix, e5.passage_prefix, e5.max_tokens) == ("query: ", "passage: ", 512)
    assert not e5.verified_by_catalog  # some files are checked against the Hub's checksum


def test_a_version_1_catalog_has_no_embedders_and_bad_entries_are_named(
    tmp_path: Path, packaged: dict[str, Path]
) -> None:
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"version": 1, "models": []}), "utf-8")
    assert load_embedders(old) == []

    escaping = _entry(packaged)
    escaping["files"][0]["path"] = "../../outside.json"
    with pytest.raises(ModelError, match="inside the model folder"):
        load_embedders(_write_catalog(tmp_path / "a.json", escaping))
    invented = _entry(packaged)
    invented["files"][0]["sha256"] = "not-a-hash"
    with pytest.raises(ModelError, match="64 hex digits or null"):
        load_embedders(_write_catalog(tmp_path / "b.json", invented))
    wrong_total = _entry(packaged, size_bytes=1)
    with pytest.raises(ModelError, match="size_bytes"):
        load_embedders(_write_catalog(tmp_path / "c.json", wrong_total))


# -- downloading ----------------------------------------------------------------------


def test_download_fetches_every_file_verified_and_the_model_really_embeds(
    hub: HubStandIn, catalog: Path, confidente_home: Path, packaged: dict[str, Path]
) -> None:
    services = Services()
    try:
        handle = services.models.download(TEST_ID)
        assert (handle.id, handle.size_bytes) == (TEST_ID, _entry(packaged)["size_bytes"])
        events = list(handle.job.events())
        assert isinstance(events[-1], Finished), events[-1]
        embedder = events[-1].result
        assert isinstance(embedder, InstalledEmbedder)
        listed = {e.id: e for e in services.models.installed_embedders()}
        assert set(listed) == {STARTER_EMBEDDER, TEST_ID}
        assert services.models.pending_embedders() == []
    finally:
        services.close()

    folder = confidente_home / "models" / "embedders" / TEST_ID
    assert embedder.path == folder
    for name, path in packaged.items():
        assert (folder / name).read_bytes() == path.read_bytes()
    manifest = json.loads((folder / MANIFEST_FILE).read_text("utf-8"))
    assert manifest["revision"] == REVISION
    assert {f["path"]: f["sha256"] for f in manifest["files"]} == {
        name: _sha256(path) for name, path in packaged.items()
    }
    assert not list((confidente_home / "models" / "downloads").iterdir())  # nothing left over

    # Progress is over the whole folder's bytes, and only moves forward.
    progress = [e.value for e in events if isinstance(e, Update)]
    assert all(isinstance(p, DownloadProgress) and p.id == TEST_ID for p in progress)
    total = _entry(packaged)["size_bytes"]
    downloading = [p.done for p in progress if p.stage == "downloading"]
    assert downloading == sorted(downloading)
    assert {p.total for p in progress} == {total}
    assert progress[-1].done == total

    texts = ["The chiller is inspected every spring.", "El paciente es alérgico."]
    downloaded = Embedder(TEST_ID).encode_passages(texts)
    built_in = Embedder(None).encode_passages(texts)
    assert downloaded.shape == (2, 384)
    assert np.allclose(downloaded, built_in, atol=1e-5)  # the same model, really loaded


def test_a_file_that_fails_its_check_is_quarantined_and_the_rest_kept_for_resuming(
    hub: HubStandIn, catalog: Path, confidente_home: Path, packaged: dict[str, Path]
) -> None:
    good = packaged["tokenizer_config.json"].read_bytes()
    tampered = good[:-1] + bytes([good[-1] ^ 1])
    # The Hub (and the catalog) promise the real file; the bytes that arrive are not it.
    hub.add_file(
        REPO, "tokenizer_config.json", tampered, sha256=_sha256(packaged["tokenizer_config.json"])
    )
    hub.pin(REPO, "tokenizer_config.json", REVISION)
    services = Services()
    try:
        events = list(services.models.download(TEST_ID).job.events())
        assert isinstance(events[-1], Failed)
        assert "failed its integrity check" in str(events[-1].error)
        assert not (embedders_folder(confidente_home / "models") / TEST_ID).exists()
        [kept] = (confidente_home / "models" / "quarantine").glob("*tokenizer_config.json.*[0-9]")
        assert kept.read_bytes() == tampered
        with pytest.raises(EmbeddingError, match="not installed"):
            Embedder(TEST_ID)

        # The Hub is fixed: only what was not verified yet is fetched again.
        fetched_before = len(_gets(hub))
        hub.add_file(REPO, "tokenizer_config.json", good)
        hub.pin(REPO, "tokenizer_config.json", REVISION)
        assert isinstance(services.models.download(TEST_ID).job.result(), InstalledEmbedder)
    finally:
        services.close()
    again = _gets(hub)[fetched_before:]
    assert not any(path.endswith("/model.safetensors") for path in again)
    assert any(path.endswith("/tokenizer_config.json") for path in again)


def test_an_embedder_download_pauses_and_resumes_after_a_restart(
    hub: HubStandIn, catalog: Path, confidente_home: Path, packaged: dict[str, Path]
) -> None:
    weights = packaged["model.safetensors"]
    hub.add_file(REPO, "model.safetensors", weights, bytes_per_second=40e6)
    hub.pin(REPO, "model.safetensors", REVISION)
    services = Services()
    try:
        handle = services.models.download(TEST_ID)
        for event in handle.job.events():
            if isinstance(event, Update) and event.value.done > SMALL_FOLDER_BYTES + 8_000_000:
                handle.pause()
        [paused] = services.models.pending_embedders()
        assert paused.id == TEST_ID
        assert SMALL_FOLDER_BYTES < paused.done < paused.total
        assert services.models.pending_downloads() == []  # listed as a folder, not a file
    finally:
        services.close()

    services = Services()  # a restarted app
    try:
        ranges = len(hub.requests)
        assert isinstance(services.models.download(TEST_ID).job.result(), InstalledEmbedder)
    finally:
        services.close()
    resumed = [r for r in hub.requests[ranges:] if r.method == "GET"]
    verified_first = ("config.json", "config_sentence_transformers.json")  # before the weights
    already = sum(packaged[name].stat().st_size for name in verified_first)
    assert resumed[0].path.endswith("/model.safetensors")
    assert resumed[0].range == f"bytes={paused.done - already}-"  # only the missing bytes
    assert not any(r.path.split(f"{REVISION}/")[1] in verified_first for r in resumed)
    assert (
        embedders_folder(confidente_home / "models") / TEST_ID / "model.safetensors"
    ).read_bytes() == weights.read_bytes()


def test_cancelling_an_embedder_download_removes_what_it_had(
    hub: HubStandIn, catalog: Path, confidente_home: Path, packaged: dict[str, Path]
) -> None:
    hub.add_file(REPO, "model.safetensors", packaged["model.safetensors"], bytes_per_second=40e6)
    hub.pin(REPO, "model.safetensors", REVISION)
    services = Services()
    try:
        handle = services.models.download(TEST_ID)
        for event in handle.job.events():
            if isinstance(event, Update) and event.value.done > SMALL_FOLDER_BYTES + 4_000_000:
                handle.cancel()
            if isinstance(event, Failed):
                assert isinstance(event.error, DownloadStopped)
        assert services.models.pending_embedders() == []
    finally:
        services.close()
    assert not list((confidente_home / "models" / "downloads").iterdir())


# -- choosing and loading ---------------------------------------------------------------


def test_use_sets_the_embedding_model_only_when_installed(
    catalog: Path, confidente_home: Path
) -> None:
    services = Services()
    try:
        with pytest.raises(ModelError, match="not downloaded yet"):
            services.models.use_embedder(TEST_ID).result()
        install_copy(services.paths.models)
        settings = services.models.use_embedder(TEST_ID).result()
        assert settings.embedding_model == TEST_ID
        [active] = [
            e
            for e in services.models.installed_embedders()
            if services.models.is_active_embedder(e, services.settings)
        ]
        assert active.id == TEST_ID
        with pytest.raises(ModelError, match="in use"):
            services.models.remove_embedder(TEST_ID, services.settings)
        assert services.models.use_embedder(STARTER_EMBEDDER).result().embedding_model is None
        services.models.remove_embedder(TEST_ID, services.settings)
        assert not (embedders_folder(services.paths.models) / TEST_ID).exists()
    finally:
        services.close()


def test_prefixes_from_the_manifest_are_applied(confidente_home: Path) -> None:
    install_copy(
        confidente_home / "models", "prefixed", query_prefix="query: ", passage_prefix="passage: "
    )
    prefixed = Embedder("prefixed")
    plain = Embedder(None)
    assert embedder_name("prefixed") == "prefixed"  # recorded by id, not by path
    assert np.allclose(prefixed.encode(["dosis"]), plain.encode(["query: dosis"]), atol=1e-5)
    assert np.allclose(
        prefixed.encode_passages(["dosis"]), plain.encode_passages(["passage: dosis"]), atol=1e-5
    )


def test_chunks_are_capped_to_what_the_embedder_reads(
    confidente_home: Path, tmp_path: Path
) -> None:
    install_copy(confidente_home / "models", "short-window", max_tokens=64)
    short = Embedder("short-window")
    assert short.max_tokens == 64
    cap = max_chunk_chars(short)
    assert 150 < cap < 400  # about 62 tokens of prose
    assert chunk_limits(short, 800, 200, [Page(1, "Some text. " * 50)])[1] <= cap // 2
    # The built-in model reads 256 tokens: the default 800 characters stay as they are.
    assert chunk_limits(Embedder(None), 800, 0, [Page(1, "The valve was replaced. " * 40)]) == (
        800,
        0,
    )

    doc = tmp_path / "log.txt"
    doc.write_text(
        " ".join(
            f"Entry {i}: the operator checked pump P-{i % 9} and found no leak." for i in range(300)
        ),
        "utf-8",
    )
    service, worker = _service(confidente_home, _Settings(Settings(embedding_model="short-window")))
    try:
        service.add([doc]).result()
        library = service.catalog.library("default")
        assert library is not None
        assert library.embedding_model == "short-window"
        texts = [
            t
            for _, _, t in service.catalog.chunk_texts(
                sorted(service.catalog.chunk_ids(library.id))
            )
        ]
    finally:
        worker.shutdown()
        service.close()
    sample_cap = max_chunk_chars(short, doc.read_text("utf-8"))
    assert max(len(t) for t in texts) <= sample_cap * 1.25  # the chunker's last-piece merge
    assert np.mean([len(t) for t in texts]) <= sample_cap
    counts = short._count_tokens(texts, special=True)
    assert np.mean(counts) <= 64  # on average the model reads every passage whole


# -- switching a library ------------------------------------------------------------------


class _Settings:
    """The settings a test service reads, changed as the user would in Settings."""

    def __init__(self, settings: Settings) -> None:
        self.current = settings

    def __call__(self) -> Settings:
        return self.current

    def choose_embedder(self, name: str | None) -> None:
        self.current = dataclasses.replace(self.current, embedding_model=name)


def _service(home: Path, settings: _Settings) -> tuple[DocumentService, Worker]:
    worker = Worker("index").start()
    paths = AppPaths(home / "data", home / "config", home / "models", home / "cache").ensure()
    return DocumentService(worker, paths, settings), worker


_EQUIPMENT = ("chiller", "boiler", "elevator", "generator", "pump", "compressor", "fan coil")
_ACTIONS = ("greased", "recalibrated", "cleaned", "tested under load", "repainted", "tightened")
_PEOPLE = ("Ana", "the night shift", "an external contractor", "Luis", "the safety officer")


def _log_line(i: int) -> str:
    """Varied maintenance entries: Chroma's approximate search can lose one passage among
    hundreds of near-identical ones, which is not what is tested here."""
    equipment, action = _EQUIPMENT[i % 7], _ACTIONS[i % 6]
    return f"Day {i}: the {equipment} of floor {i % 9} was {action} by {_PEOPLE[i % 5]}."


Library = tuple[DocumentService, _Settings, Path]


@pytest.fixture
def library(confidente_home: Path, tmp_path: Path) -> Iterator[Library]:
    """A library indexed with the built-in model: a notes file, and a long log."""
    install_copy(confidente_home / "models", "short-window", max_tokens=96)
    notes = tmp_path / "notes.txt"
    notes.write_text(
        "The autoclave A-3 is validated every six months by the biomedical team.\n\n"
        "El desfibrilador del quirófano 2 se revisa cada lunes.",
        "utf-8",
    )
    log = tmp_path / "log.txt"
    log.write_text(" ".join(_log_line(i) for i in range(2000)), "utf-8")
    settings = _Settings(Settings())
    service, worker = _service(confidente_home, settings)
    service.add([notes, log]).result()
    yield service, settings, notes
    worker.shutdown()
    service.close()


def _events(job: Any, cancel_after: int | None = None) -> tuple[list[IngestProgress], IngestReport]:
    seen: list[IngestProgress] = []
    for event in job.events():
        if isinstance(event, Update) and isinstance(event.value, IngestProgress):
            seen.append(event.value)
            if cancel_after is not None and len(seen) == cancel_after:
                job.cancel()
        elif isinstance(event, Finished):
            return seen, event.result
        elif isinstance(event, Failed):
            raise event.error
    raise AssertionError("the job never finished")


def test_switching_the_embedder_reindexes_and_search_still_finds_the_passage(
    library: Library,
) -> None:
    service, settings, notes = library
    before = service.catalog.library("default")
    assert before is not None
    assert before.embedding_model == STARTER_EMBEDDER
    settings.choose_embedder("short-window")
    seen, report = _events(service.reindex())

    after = service.catalog.library("default")
    assert after is not None
    assert after.embedding_model == "short-window"
    assert report.count(FileStatus.INDEXED) == 2
    assert report.count(FileStatus.CANCELLED) == 0
    # First the stored passages are embedded again, file by file, then the files are read.
    stages = [p.stage for p in seen]
    assert stages.index("embedding") < stages.index("reading")
    assert any(p.stage == "embedding" and 0 < p.passages_done < p.passages_total for p in seen)
    # Every passage has a vector of the new model, and none is longer than it reads.
    chunk_ids = service.catalog.chunk_ids(after.id)
    assert service.vectors.ids(after.id) == chunk_ids
    longest = max(len(t) for _, _, t in service.catalog.chunk_texts(sorted(chunk_ids)))
    assert longest <= max_chunk_chars(service.embedder("short-window"), notes.read_text()) * 2

    # The new vectors answer (among hundreds of near-identical log passages), and so does
    # the fused search users get.
    by_meaning = service.search("how often is the autoclave validated", mode="vector")
    assert str(notes.resolve()) in {s.path for s in by_meaning}
    [top, *_] = service.search("how often is the autoclave validated")
    assert top.path == str(notes.resolve())
    [top, *_] = service.search("desfibrilador del quirófano")
    assert top.path == str(notes.resolve())

    # Moving back works even once the model it was on is gone.
    shutil.rmtree(embedders_folder(service.catalog.path.parents[2] / "models") / "short-window")
    settings.choose_embedder(None)
    _, back = _events(service.reindex())
    assert back.count(FileStatus.INDEXED) == 2
    moved = service.catalog.library("default")
    assert moved is not None
    assert moved.embedding_model == STARTER_EMBEDDER
    [top, *_] = service.search("how often is the autoclave validated")
    assert top.path == str(notes.resolve())


def test_cancelling_a_switch_leaves_the_old_index_answering(
    library: Library,
) -> None:
    service, settings, notes = library
    before = service.catalog.library("default")
    assert before is not None
    passages = service.catalog.chunk_ids(before.id)
    settings.choose_embedder("short-window")
    seen, report = _events(service.reindex(), cancel_after=1)

    assert {o.status for o in report.outcomes} == {FileStatus.CANCELLED}
    assert "still uses all-MiniLM-L6-v2" in report.outcomes[0].reason
    assert all(p.stage in ("embedding", "done") for p in seen)  # it never got to reading
    after = service.catalog.library("default")
    assert after == before  # same model, same passages, every vector in place
    assert service.catalog.chunk_ids(before.id) == passages
    assert service.vectors.ids(before.id) == passages
    by_meaning = service.search("autoclave validated every six months", mode="vector")
    assert str(notes.resolve()) in {s.path for s in by_meaning}

    # Asking again finishes the job.
    _, done = _events(service.reindex())
    assert done.count(FileStatus.INDEXED) == 2
    moved = service.catalog.library("default")
    assert moved is not None
    assert moved.embedding_model == "short-window"


def test_an_uninstalled_embedder_is_refused_before_anything_changes(
    library: Library,
) -> None:
    service, settings, _ = library
    settings.choose_embedder("never-downloaded")
    with pytest.raises(EmbeddingError, match="models download never-downloaded"):
        service.reindex().result()
    after = service.catalog.library("default")
    assert after is not None
    assert after.embedding_model == STARTER_EMBEDDER
    assert service.search("autoclave", mode="vector")
