"""Which embedding model a library needs, asked before offering to re-index it; and the
check of a folder chosen as an embedding model, with the real packaged MiniLM."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.documents.embedder import (
    STARTER_EMBEDDER,
    EmbeddingError,
    check_model_folder,
    embedder_location,
    embedder_spec,
    embedders_folder,
    embedding_model_for_folder,
)
from app.core.documents.process import DocumentsProcess
from app.core.documents.service import DocumentService
from app.core.paths import AppPaths
from app.core.settings import Settings
from app.core.worker import Worker
from tests.core.models.test_embedders import install_copy


def linked_model(folder: Path) -> Path:
    """A sentence-transformers folder of the user's: links to the packaged model's files."""
    packaged = embedder_location(None)
    for source in packaged.rglob("*"):
        if source.is_file():
            target = folder / source.relative_to(packaged)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(source)
    return folder


class _Settings:
    """The settings the services read, changed as the user would."""

    def __init__(self) -> None:
        self.current = Settings()

    def __call__(self) -> Settings:
        return self.current

    def choose_embedder(self, name: str | None) -> None:
        self.current = dataclasses.replace(self.current, embedding_model=name)


@pytest.fixture
def paths(confidente_home: Path) -> AppPaths:
    home = confidente_home
    return AppPaths(home / "data", home / "config", home / "models", home / "cache").ensure()


@pytest.fixture
def service(paths: AppPaths) -> Iterator[tuple[DocumentService, _Settings]]:
    settings = _Settings()
    worker = Worker("index").start()
    svc = DocumentService(worker, paths, settings)
    yield svc, settings
    worker.shutdown()
    svc.close()


def test_a_library_needs_moving_only_to_a_model_it_was_not_indexed_with(
    service: tuple[DocumentService, _Settings], paths: AppPaths, tmp_path: Path
) -> None:
    documents, settings = service
    assert not documents.uses_other_embedder()  # no library yet: nothing to move
    note = tmp_path / "note.txt"
    note.write_text("The autoclave A-3 is validated every six months.", "utf-8")
    documents.add([note]).result()
    assert not documents.uses_other_embedder()  # indexed with the one in Settings
    install_copy(paths.models, "other-model")
    listing = DocumentsProcess(paths, settings)  # how the window asks: read in its process
    try:
        for choice, needed in (
            ("other-model", True),
            (str(linked_model(tmp_path / "mine")), True),
            (STARTER_EMBEDDER, False),  # the built-in one by its name
            (None, False),
        ):
            settings.choose_embedder(choice)
            assert documents.uses_other_embedder() is needed, choice
            assert listing.uses_other_embedder() is needed, choice
        assert not documents.uses_other_embedder("another library")
        assert listing.child_pid is None  # answered without the index process
    finally:
        listing.close()

    # Once re-indexed with the new model, the library needs nothing more.
    settings.choose_embedder("other-model")
    documents.reindex().result()
    assert not documents.uses_other_embedder()
    settings.choose_embedder(None)
    assert documents.uses_other_embedder()


def test_a_folder_is_an_embedding_model_when_its_files_say_so(tmp_path: Path) -> None:
    packaged = embedder_location(None)
    check_model_folder(packaged)
    check_model_folder(linked_model(tmp_path / "mine"))

    # The older layout: the transformer, its tokenizer and weights in a sub-folder.
    old = tmp_path / "old-layout"
    (old / "0_Transformer").mkdir(parents=True)
    modules = [{"idx": 0, "name": "0", "path": "0_Transformer", "type": "x.models.Transformer"}]
    (old / "modules.json").write_text(json.dumps(modules), "utf-8")
    for name in ("config.json", "tokenizer.json", "model.safetensors"):
        (old / "0_Transformer" / name).symlink_to(packaged / name)
    check_model_folder(old)

    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "report.pdf").write_bytes(b"%PDF-1.4")
    no_tokenizer = tmp_path / "no-tokenizer"
    no_tokenizer.mkdir()
    for name in ("config.json", "model.safetensors"):
        (no_tokenizer / name).symlink_to(packaged / name)
    no_weights = tmp_path / "no-weights"
    no_weights.mkdir()
    for name in ("modules.json", "config.json", "tokenizer.json"):
        (no_weights / name).symlink_to(packaged / name)
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "modules.json").write_text("{not json", "utf-8")
    for folder, reason in (
        (documents, "neither modules.json nor config.json"),
        (no_tokenizer, "no tokenizer"),
        (no_weights, "no weights"),
        (broken, "cannot be read"),
        (documents / "report.pdf", "not a folder"),
        (tmp_path / "missing", "not a folder"),
    ):
        with pytest.raises(EmbeddingError, match=reason):
            check_model_folder(folder)
    # Named in the settings, such a folder is refused where the model would load.
    with pytest.raises(EmbeddingError, match="Embedding model not found") as refused:
        embedder_spec(str(no_tokenizer))
    assert refused.value.detail is not None
    assert "no tokenizer" in refused.value.detail


def test_a_folder_is_named_in_the_settings_as_its_model_would_be(
    confidente_home: Path, tmp_path: Path
) -> None:
    assert embedding_model_for_folder(embedder_location(None)) is None  # the built-in one
    downloaded = install_copy(confidente_home / "models", "other-model")
    assert downloaded.parent == embedders_folder()
    assert embedding_model_for_folder(downloaded) == "other-model"
    mine = linked_model(tmp_path / "mine")
    assert embedding_model_for_folder(tmp_path / "." / "mine") == str(mine.resolve())
    with pytest.raises(EmbeddingError, match="not a folder"):
        embedding_model_for_folder(tmp_path / "missing")
