"""Discovering GGUF models that Ollama and LM Studio already downloaded."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

import pytest

from app.core.models import external
from app.core.models.external import ExternalModel, discover_external_models

MODEL_LAYER = "application/vnd.ollama.image.model"
NO_ENV: dict[str, str] = {}


def gguf_bytes(seed: str, size: int = 64) -> bytes:
    """A small file that looks like GGUF to discovery; the content differs per seed."""
    body = seed.encode().ljust(size - 4, b"\0")
    return b"GGUF" + body


def add_ollama_model(
    store: Path,
    model: str,
    tag: str,
    *,
    namespace: str = "library",
    host: str = "registry.ollama.ai",
    content: bytes | None = None,
    blob_name: str = "sha256-{hex}",
    manifest_size: int | None = None,
    write_blob: bool = True,
) -> Path:
    """Write a manifest (with a template layer before the model layer) and the model blob."""
    data = content if content is not None else gguf_bytes(f"{namespace}/{model}:{tag}")
    hex_digest = hashlib.sha256(data).hexdigest()
    blob = store / "blobs" / blob_name.format(hex=hex_digest)
    if write_blob:
        blob.parent.mkdir(parents=True, exist_ok=True)
        blob.write_bytes(data)
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {"mediaType": "application/vnd.docker.container.image.v1+json"},
        "layers": [
            {
                "mediaType": "application/vnd.ollama.image.template",
                "digest": "sha256:" + "0" * 64,
                "size": 10,
            },
            {
                "mediaType": MODEL_LAYER,
                "digest": f"sha256:{hex_digest}",
                "size": len(data) if manifest_size is None else manifest_size,
            },
        ],
    }
    path = store / "manifests" / host / namespace / model / tag
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(manifest))
    return blob


def add_lmstudio_file(root: Path, relative: str, content: bytes | None = None) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if content is not None else gguf_bytes(relative))
    return path


@pytest.fixture
def ollama_store(tmp_path: Path) -> Path:
    return tmp_path / ".ollama" / "models"


@pytest.fixture
def lmstudio(tmp_path: Path) -> Path:
    return tmp_path / ".lmstudio" / "models"


def names(models: list[ExternalModel]) -> list[str]:
    return [m.name for m in models]


# --- Ollama ------------------------------------------------------------------


def test_ollama_names_for_library_namespaced_and_other_hosts(
    tmp_path: Path, ollama_store: Path
) -> None:
    library = add_ollama_model(ollama_store, "llama3.2", "3b")
    add_ollama_model(ollama_store, "mistral-nemo", "latest", namespace="someuser")
    add_ollama_model(ollama_store, "qwen", "q4", host="hf.co", namespace="bartowski")

    models = discover_external_models(home=tmp_path, environ=NO_ENV)

    assert names(models) == [
        "hf.co/bartowski/qwen:q4",
        "llama3.2:3b",
        "someuser/mistral-nemo:latest",
    ]
    first = models[1]
    assert first == ExternalModel("ollama", "llama3.2:3b", library, library.stat().st_size)
    assert first.id == "ollama:llama3.2:3b"
    assert first.path.read_bytes().startswith(b"GGUF")


def test_ollama_models_env_replaces_the_default_store(tmp_path: Path, ollama_store: Path) -> None:
    add_ollama_model(ollama_store, "default-only", "latest")
    custom = tmp_path / "elsewhere" / "ollama"
    add_ollama_model(custom, "custom", "7b")

    # Ollama trims spaces and quotes around the value; so do we.
    environ = {"OLLAMA_MODELS": f' "{custom}" '}
    assert names(discover_external_models(home=tmp_path, environ=environ)) == ["custom:7b"]
    assert names(discover_external_models(home=tmp_path, environ={"OLLAMA_MODELS": ""})) == [
        "default-only:latest"
    ]


def test_ollama_models_env_with_tilde_uses_the_given_home(tmp_path: Path) -> None:
    add_ollama_model(tmp_path / "ollama-store", "tiny", "1b")
    models = discover_external_models(home=tmp_path, environ={"OLLAMA_MODELS": "~/ollama-store"})
    assert names(models) == ["tiny:1b"]


def test_relative_ollama_models_env_is_ignored(
    tmp_path: Path, ollama_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Relative to Ollama's working directory, which is not ours: neither it nor the default."""
    add_ollama_model(ollama_store, "default-only", "latest")
    add_ollama_model(tmp_path / "relative" / "dir", "cwd-relative", "latest")
    monkeypatch.chdir(tmp_path)
    models = discover_external_models(home=tmp_path, environ={"OLLAMA_MODELS": "relative/dir"})
    assert models == []


@pytest.mark.skipif(sys.platform == "win32", reason="colons are not allowed in Windows names")
def test_older_colon_blob_names_are_found(tmp_path: Path, ollama_store: Path) -> None:
    blob = add_ollama_model(ollama_store, "old", "latest", blob_name="sha256:{hex}")
    add_ollama_model(ollama_store, "new", "latest")
    models = discover_external_models(home=tmp_path, environ=NO_ENV)
    assert names(models) == ["new:latest", "old:latest"]
    assert models[1].path == blob
    assert models[0].path.name.startswith("sha256-")


def test_missing_blob_is_skipped(tmp_path: Path, ollama_store: Path) -> None:
    add_ollama_model(ollama_store, "gone", "latest", write_blob=False)
    add_ollama_model(ollama_store, "here", "latest")
    assert names(discover_external_models(home=tmp_path, environ=NO_ENV)) == ["here:latest"]


def test_blob_size_must_match_the_manifest(tmp_path: Path, ollama_store: Path) -> None:
    add_ollama_model(ollama_store, "partial", "latest", manifest_size=4096)
    add_ollama_model(ollama_store, "whole", "latest")
    assert names(discover_external_models(home=tmp_path, environ=NO_ENV)) == ["whole:latest"]


def test_non_gguf_blob_is_skipped(tmp_path: Path, ollama_store: Path) -> None:
    add_ollama_model(ollama_store, "safetensors", "latest", content=b"\x00" * 64)
    add_ollama_model(ollama_store, "gguf", "latest")
    assert names(discover_external_models(home=tmp_path, environ=NO_ENV)) == ["gguf:latest"]


@pytest.mark.parametrize(
    "manifest",
    [
        b"{not json",
        b"\xff\xfe garbage",
        b"[1, 2, 3]",
        b'{"layers": "nope"}',
        b'{"layers": [{"mediaType": "application/vnd.ollama.image.template"}]}',
        b"[" * 100_000 + b"]" * 100_000,  # deep enough to blow Python's recursion limit
    ],
    ids=["broken", "binary", "list", "layers-not-list", "no-model-layer", "deep-nesting"],
)
def test_unusable_manifest_is_skipped(tmp_path: Path, ollama_store: Path, manifest: bytes) -> None:
    add_ollama_model(ollama_store, "bad", "latest")
    add_ollama_model(ollama_store, "good", "latest")
    (ollama_store / "manifests/registry.ollama.ai/library/bad/latest").write_bytes(manifest)
    assert names(discover_external_models(home=tmp_path, environ=NO_ENV)) == ["good:latest"]


def test_manifest_over_one_mib_is_skipped(tmp_path: Path, ollama_store: Path) -> None:
    add_ollama_model(ollama_store, "huge", "latest")
    add_ollama_model(ollama_store, "small", "latest")
    manifest = ollama_store / "manifests/registry.ollama.ai/library/huge/latest"
    valid = manifest.read_text()
    manifest.write_text(valid + " " * (1024 * 1024))  # still valid JSON, just too big
    assert json.loads(manifest.read_text())["layers"]
    assert names(discover_external_models(home=tmp_path, environ=NO_ENV)) == ["small:latest"]


@pytest.mark.parametrize(
    "digest",
    ["sha256:../../../../../secret", "sha256:ABC", "md5:" + "a" * 64, 12345, None],
)
def test_malformed_digest_is_skipped(tmp_path: Path, ollama_store: Path, digest: object) -> None:
    add_ollama_model(ollama_store, "odd", "latest")
    add_ollama_model(ollama_store, "fine", "latest")
    manifest = ollama_store / "manifests/registry.ollama.ai/library/odd/latest"
    data = json.loads(manifest.read_text())
    data["layers"][1]["digest"] = digest
    manifest.write_text(json.dumps(data))
    # Without the digest check, blobs/sha256-../../../../../secret would reach tmp_path/secret.
    (ollama_store / "blobs" / "sha256-..").mkdir()
    (tmp_path / "secret").write_bytes(gguf_bytes("outside the store"))
    assert names(discover_external_models(home=tmp_path, environ=NO_ENV)) == ["fine:latest"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
@pytest.mark.timeout(10)  # opening a FIFO for reading blocks until a writer comes
def test_fifo_blob_does_not_block(tmp_path: Path, ollama_store: Path) -> None:
    blob = add_ollama_model(ollama_store, "pipe", "latest")
    blob.unlink()
    os.mkfifo(blob)
    add_ollama_model(ollama_store, "file", "latest")
    assert names(discover_external_models(home=tmp_path, environ=NO_ENV)) == ["file:latest"]


# --- LM Studio -------------------------------------------------------------------


def test_lmstudio_models_are_named_by_publisher_repo_and_file(
    tmp_path: Path, lmstudio: Path
) -> None:
    path = add_lmstudio_file(lmstudio, "lmstudio-community/Qwen3-4B-GGUF/Qwen3-4B-Q4_K_M.gguf")
    add_lmstudio_file(lmstudio, "lmstudio-community/Qwen3-4B-GGUF/README.md", b"# readme")
    add_lmstudio_file(lmstudio, "loose-file.gguf")  # not in publisher/repo: LM Studio ignores it

    models = discover_external_models(home=tmp_path, environ=NO_ENV)

    name = "lmstudio-community/Qwen3-4B-GGUF/Qwen3-4B-Q4_K_M.gguf"
    assert models == [ExternalModel("lmstudio", name, path, path.stat().st_size)]
    assert models[0].id == f"lmstudio:{name}"


def test_lmstudio_skips_projectors_and_non_gguf_files(tmp_path: Path, lmstudio: Path) -> None:
    repo = "ggml-org/gemma-3-4b-it-GGUF"
    add_lmstudio_file(lmstudio, f"{repo}/gemma-3-4b-it-Q4_K_M.gguf")
    add_lmstudio_file(lmstudio, f"{repo}/mmproj-model-f16.gguf")
    add_lmstudio_file(lmstudio, f"{repo}/MMPROJ-F16.gguf")
    add_lmstudio_file(lmstudio, f"{repo}/renamed.gguf", b"<html>404</html>")
    assert names(discover_external_models(home=tmp_path, environ=NO_ENV)) == [
        f"{repo}/gemma-3-4b-it-Q4_K_M.gguf"
    ]


def test_lmstudio_older_folder_is_read_and_duplicates_are_listed_once(tmp_path: Path) -> None:
    current = tmp_path / ".lmstudio" / "models"
    older = tmp_path / ".cache" / "lm-studio" / "models"
    kept = add_lmstudio_file(current, "pub/repo/both.gguf")
    add_lmstudio_file(older, "pub/repo/both.gguf")
    add_lmstudio_file(older, "pub/old/only-old.gguf")

    models = discover_external_models(home=tmp_path, environ=NO_ENV)

    assert names(models) == ["pub/old/only-old.gguf", "pub/repo/both.gguf"]
    assert models[1].path == kept


def test_lmstudio_split_model_is_listed_once_with_its_total_size(
    tmp_path: Path, lmstudio: Path
) -> None:
    for i in (1, 2, 3):
        add_lmstudio_file(lmstudio, f"pub/big/big-Q8_0-0000{i}-of-00003.gguf", gguf_bytes("x", 100))
    for i in (1, 2):  # the third shard never finished downloading
        add_lmstudio_file(lmstudio, f"pub/cut/cut-0000{i}-of-00003.gguf", gguf_bytes("y", 100))

    models = discover_external_models(home=tmp_path, environ=NO_ENV)

    assert names(models) == ["pub/big/big-Q8_0-00001-of-00003.gguf"]
    assert models[0].size_bytes == 300


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_lmstudio_symlinks(tmp_path: Path, lmstudio: Path) -> None:
    target = add_lmstudio_file(tmp_path / "elsewhere", "real.gguf")
    repo = lmstudio / "pub" / "repo"
    repo.mkdir(parents=True)
    (repo / "linked.gguf").symlink_to(target)  # a file link: used
    (repo / "dangling.gguf").symlink_to(tmp_path / "nowhere.gguf")
    (repo / "loop.gguf").symlink_to(repo / "loop.gguf")
    (repo / "dir.gguf").symlink_to(tmp_path)
    (lmstudio / "pub" / "cycle").symlink_to(lmstudio)  # a directory link: not followed
    add_lmstudio_file(tmp_path / "outside", "repo/hidden.gguf")
    (lmstudio / "linked-publisher").symlink_to(tmp_path / "outside")

    models = discover_external_models(home=tmp_path, environ=NO_ENV)

    assert models == [ExternalModel("lmstudio", "pub/repo/linked.gguf", repo / "linked.gguf", 64)]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads anything")
def test_unreadable_folders_are_skipped(tmp_path: Path, lmstudio: Path, ollama_store: Path) -> None:
    add_lmstudio_file(lmstudio, "locked/repo/a.gguf")
    add_lmstudio_file(lmstudio, "open/repo/b.gguf")
    add_ollama_model(ollama_store, "ok", "latest")
    locked = lmstudio / "locked"
    locked.chmod(0)
    try:
        models = discover_external_models(home=tmp_path, environ=NO_ENV)
    finally:
        locked.chmod(0o755)
    assert names(models) == ["open/repo/b.gguf", "ok:latest"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
@pytest.mark.timeout(10)  # opening a FIFO for reading blocks until a writer comes
def test_lmstudio_fifo_does_not_block(tmp_path: Path, lmstudio: Path) -> None:
    add_lmstudio_file(lmstudio, "pub/repo/real.gguf")
    os.mkfifo(lmstudio / "pub" / "repo" / "pipe.gguf")
    assert names(discover_external_models(home=tmp_path, environ=NO_ENV)) == ["pub/repo/real.gguf"]


@pytest.mark.skipif(sys.platform != "linux", reason="Linux allows any bytes in names")
def test_unprintable_names_are_skipped(tmp_path: Path, lmstudio: Path, ollama_store: Path) -> None:
    add_lmstudio_file(lmstudio, "pub/repo/fine.gguf")
    add_lmstudio_file(lmstudio, "pub/repo/two\nlines.gguf")
    undecodable = os.fsencode(lmstudio / "pub" / "repo") + b"/caf\xe9.gguf"
    Path(os.fsdecode(undecodable)).write_bytes(gguf_bytes("latin-1 name"))
    add_ollama_model(ollama_store, "bell\a", "latest")
    assert names(discover_external_models(home=tmp_path, environ=NO_ENV)) == ["pub/repo/fine.gguf"]


# --- Both -------------------------------------------------------------------------


def test_results_are_sorted_by_source_then_name(
    tmp_path: Path, lmstudio: Path, ollama_store: Path
) -> None:
    add_ollama_model(ollama_store, "zeta", "latest")
    add_ollama_model(ollama_store, "alpha", "latest")
    add_lmstudio_file(lmstudio, "z/r/z.gguf")
    add_lmstudio_file(lmstudio, "a/r/a.gguf")
    models = discover_external_models(home=tmp_path, environ=NO_ENV)
    assert [m.id for m in models] == [
        "lmstudio:a/r/a.gguf",
        "lmstudio:z/r/z.gguf",
        "ollama:alpha:latest",
        "ollama:zeta:latest",
    ]


def test_absent_or_empty_folders_give_nothing(tmp_path: Path) -> None:
    assert discover_external_models(home=tmp_path, environ=NO_ENV) == []
    for folder in (".ollama/models/manifests", ".ollama/models/blobs", ".lmstudio/models/pub/r"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / ".cache" / "lm-studio").mkdir(parents=True)
    (tmp_path / ".cache" / "lm-studio" / "models").write_text("a file, not a folder")
    assert discover_external_models(home=tmp_path, environ=NO_ENV) == []
    missing = {"OLLAMA_MODELS": str(tmp_path / "does-not-exist")}
    assert discover_external_models(home=tmp_path / "no-such-home", environ=missing) == []


def test_walk_is_bounded(tmp_path: Path, lmstudio: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(30):
        add_lmstudio_file(lmstudio, f"pub{i:02d}/repo/m.gguf")
    assert len(discover_external_models(home=tmp_path, environ=NO_ENV)) == 30

    monkeypatch.setattr(external, "MAX_DIR_ENTRIES", 40)  # 30 publishers + 5 models
    found = discover_external_models(home=tmp_path, environ=NO_ENV)
    assert 0 < len(found) < 30


def test_defaults_use_the_real_home_and_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_ollama_model(tmp_path / "store", "from-env", "latest")
    monkeypatch.setattr(Path, "home", lambda: tmp_path / "empty-home")
    monkeypatch.setenv("OLLAMA_MODELS", str(tmp_path / "store"))
    assert names(discover_external_models()) == ["from-env:latest"]
