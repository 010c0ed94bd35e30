"""`confidente models ...`, run as a real subprocess outside pytest.

Downloads go to `tests.hub_standin`, a local HTTP server standing in for the
Hugging Face Hub (no internet here), through `HF_ENDPOINT`. HOME points at a
folder the test lays out, so the Ollama and LM Studio stores are the test's.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.test_cli import CLI, _env, _unshare_works
from tests.gguf_forge import with_metadata
from tests.hub_standin import HubStandIn

REPO = "someone/starter-GGUF"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "user-home"
    folder.mkdir()
    return folder


def _models(
    args: list[str], confidente_home: Path, home: Path, **extra: str
) -> subprocess.CompletedProcess[str]:
    env = _env(confidente_home)
    env.update(HOME=str(home), **extra)
    env.pop("OLLAMA_MODELS", None)
    return subprocess.run(
        [*CLI, "models", *args], env=env, capture_output=True, text=True, timeout=180
    )


def _json(result: subprocess.CompletedProcess[str]) -> dict[str, object]:
    assert result.returncode == 0, result.stderr
    document: dict[str, object] = json.loads(result.stdout)
    return document


def _ids(listing: dict[str, object]) -> dict[str, dict[str, object]]:
    models = listing["models"]
    assert isinstance(models, list)
    return {m["id"]: m for m in models}


@pytest.fixture
def hub() -> Iterator[HubStandIn]:
    with HubStandIn() as server:
        yield server


def test_download_use_chat_remove(
    confidente_home: Path, home: Path, starter_model: Path, hub: HubStandIn
) -> None:
    hub.add_file(REPO, "starter-q4.gguf", starter_model)
    endpoint = {"HF_ENDPOINT": hub.endpoint}

    downloaded = _json(
        _models(
            ["download", f"{REPO}/starter-q4.gguf", "--json"], confidente_home, home, **endpoint
        )
    )
    model = downloaded["model"]
    assert isinstance(model, dict)
    path = Path(str(model["path"]))
    assert path.parent == confidente_home / "models"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == model["sha256"]

    used = _json(_models(["use", str(model["id"]), "--json"], confidente_home, home))
    assert used["model_path"] == str(path)
    listing = _ids(_json(_models(["list", "--json"], confidente_home, home)))
    assert listing[str(model["id"])]["active"] is True
    assert listing["starter"]["active"] is False

    env = _env(confidente_home)
    env["HOME"] = str(home)
    chat = subprocess.run(
        [*CLI, "chat", "--json", "--max-tokens", "8", "Hi"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert json.loads(chat.stdout)["model"] == "Gemma 3 270m"  # the downloaded file's name

    refused = _models(["remove", str(model["id"])], confidente_home, home)
    assert refused.returncode == 1
    assert "in use" in refused.stderr
    _json(_models(["use", "starter", "--json"], confidente_home, home))
    removed = _json(_models(["remove", str(model["id"]), "--json"], confidente_home, home))
    assert removed["file_deleted"] is True
    assert not path.exists()


def test_add_in_place_and_refuse_a_hostile_file(
    confidente_home: Path, home: Path, starter_model: Path, tmp_path: Path
) -> None:
    mine = with_metadata(starter_model, tmp_path / "my model.gguf", {"general.name": "Mine"})
    added = _json(_models(["add", str(mine), "--json"], confidente_home, home))
    model = added["model"]
    assert isinstance(model, dict)
    assert model["path"] == str(mine)  # used where it is, not copied
    assert model["source"] == "import"
    assert not list((confidente_home / "models").glob("my model*"))

    hostile = with_metadata(
        starter_model, tmp_path / "hostile.gguf", {"gemma3.block_count": 4_000_000_000}
    )
    refused = _models(["add", str(hostile)], confidente_home, home)
    assert refused.returncode == 1
    assert "implausible layer count" in refused.stderr
    assert "Traceback" not in refused.stderr
    listing = _ids(_json(_models(["list", "--json"], confidente_home, home)))
    assert set(listing) == {"starter", str(model["id"])}

    removed = _json(_models(["remove", str(model["id"]), "--json"], confidente_home, home))
    assert removed["file_deleted"] is False
    assert mine.exists()  # an imported file is only forgotten


def _ollama_store(home: Path, model: Path) -> Path:
    """Ollama's layout: a manifest naming the weights blob by digest."""
    store = home / ".ollama" / "models"
    digest = hashlib.sha256(model.read_bytes()).hexdigest()
    blob = store / "blobs" / f"sha256-{digest}"
    blob.parent.mkdir(parents=True)
    shutil.copyfile(model, blob)
    manifest = store / "manifests" / "registry.ollama.ai" / "library" / "gemma3" / "270m"
    manifest.parent.mkdir(parents=True)
    layer = {
        "mediaType": "application/vnd.ollama.image.model",
        "digest": f"sha256:{digest}",
        "size": model.stat().st_size,
    }
    manifest.write_text(json.dumps({"schemaVersion": 2, "layers": [layer]}))
    return blob


def test_ollama_models_are_listed_and_used_in_place(
    confidente_home: Path, home: Path, starter_model: Path
) -> None:
    blob = _ollama_store(home, starter_model)
    lmstudio = home / ".lmstudio" / "models" / "someone" / "Some-GGUF"
    lmstudio.mkdir(parents=True)
    os.symlink(starter_model, lmstudio / "some-q4_k_m.gguf")

    listing = _ids(_json(_models(["list", "--json"], confidente_home, home)))
    assert listing["ollama:gemma3:270m"]["path"] == str(blob)
    assert listing["ollama:gemma3:270m"]["source"] == "ollama"
    assert listing["lmstudio:someone/Some-GGUF/some-q4_k_m.gguf"]["source"] == "lmstudio"

    used = _json(_models(["use", "ollama:gemma3:270m", "--json"], confidente_home, home))
    assert used["model_path"] == str(blob)
    refused = _models(
        ["remove", "lmstudio:someone/Some-GGUF/some-q4_k_m.gguf"], confidente_home, home
    )
    assert refused.returncode == 1
    assert "never deletes other tools' files" in refused.stderr


def test_catalog_shows_fit_for_this_machine(confidente_home: Path, home: Path) -> None:
    catalog = _json(_models(["catalog", "--json"], confidente_home, home))
    machine = catalog["machine"]
    assert isinstance(machine, dict)
    assert machine["total_memory_bytes"] > 0
    entries = catalog["models"]
    assert isinstance(entries, list)
    assert len(entries) >= 6
    verdicts = {e["id"]: e["fit"]["verdict"] for e in entries}
    assert set(verdicts.values()) <= {"fits", "slow", "won't fit"}
    print("\ncatalog fit on this machine:", json.dumps(verdicts, indent=1))


def test_unknown_names_and_bad_paths_are_clear(
    confidente_home: Path, home: Path, tmp_path: Path
) -> None:
    for args, message in [
        (["use", "no-such-model"], "No installed model is called 'no-such-model'"),
        (["download", "no-such-model"], "neither a catalog model nor a Hub file"),
        (["add", str(tmp_path / "missing.gguf")], "not found"),
        (["add", str(tmp_path)], "not a .gguf"),
        (["remove", "starter"], "cannot be removed"),
    ]:
        result = _models(args, confidente_home, home)
        assert result.returncode == 1, args
        assert message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr


def _set_token(
    token: str, confidente_home: Path, home: Path, extra: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """`confidente models token set`, the token typed on standard input."""
    env = _env(confidente_home)
    env.update(HOME=str(home), **extra)
    return subprocess.run(
        [*CLI, "models", "token", "set"],
        env=env,
        input=f"{token}\n",
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_token_without_a_keychain_is_a_clear_message(confidente_home: Path, home: Path) -> None:
    env = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    status = _json(_models(["token", "status", "--json"], confidente_home, home, **env))
    assert status == {"stored": False, "keychain": "none"}
    result = _set_token("hf_secret_abc", confidente_home, home, env)
    assert result.returncode == 1
    assert "No OS keychain is available" in result.stderr
    assert "hf_secret_abc" not in result.stderr + result.stdout


def test_token_is_stored_in_the_keychain_only(
    confidente_home: Path, home: Path, tmp_path: Path
) -> None:
    # No OS keychain here: a keyring backend writing one JSON file stands in for it.
    keychain = tmp_path / "keychain.json"
    env = {
        "PYTHON_KEYRING_BACKEND": "tests.keyring_standin.StandInKeyring",
        "CONFIDENTE_TEST_KEYRING": str(keychain),
    }
    result = _set_token("hf_secret_abc", confidente_home, home, env)
    assert result.returncode == 0, result.stderr
    assert json.loads(keychain.read_text()) == {"Confidente/huggingface-token": "hf_secret_abc"}
    for path in confidente_home.rglob("*"):
        if path.is_file():
            assert b"hf_secret_abc" not in path.read_bytes(), path
    status = _json(_models(["token", "status", "--json"], confidente_home, home, **env))
    assert status["stored"] is True
    cleared = _json(_models(["token", "clear", "--json"], confidente_home, home, **env))
    assert cleared == {"cleared": True}


@pytest.mark.skipif(not _unshare_works(), reason="this machine does not allow network namespaces")
def test_model_commands_work_with_networking_cut(confidente_home: Path, home: Path) -> None:
    env = _env(confidente_home)
    env["HOME"] = str(home)
    for args in (["models", "list", "--json"], ["models", "catalog", "--json"]):
        result = subprocess.run(
            ["unshare", "-rn", *CLI, *args], env=env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr
        json.loads(result.stdout)


def test_an_embedding_model_is_downloaded_used_and_a_library_moved_to_it(
    confidente_home: Path, home: Path, hub: HubStandIn, tmp_path: Path
) -> None:
    """The packaged all-MiniLM-L6-v2 folder, served by the stand-in Hub under an entry of a
    test catalog, downloaded as an embedding model; then a library is re-indexed with it."""
    from app.core.documents.embedder import embedder_location
    from tests.core.models.test_embedders import (
        NEEDED,
        REPO,
        REVISION,
        TEST_ID,
        _entry,
        _write_catalog,
    )

    packaged = {name: embedder_location(None) / name for name in NEEDED}
    for name, path in packaged.items():
        hub.add_file(REPO, name, path)
        hub.pin(REPO, name, REVISION)
    catalog = _write_catalog(tmp_path / "catalog.json", _entry(packaged))
    env = {"HF_ENDPOINT": hub.endpoint, "CONFIDENTE_CATALOG": str(catalog)}

    offered = _json(_models(["catalog", "--json"], confidente_home, home, **env))
    offered_embedders = offered["embedders"]
    assert isinstance(offered_embedders, list)
    assert [e["id"] for e in offered_embedders] == [TEST_ID]
    downloaded = _json(_models(["download", TEST_ID, "--json"], confidente_home, home, **env))
    embedder = downloaded["embedder"]
    assert isinstance(embedder, dict)
    assert Path(str(embedder["path"])) == confidente_home / "models" / "embedders" / TEST_ID

    note = tmp_path / "note.txt"
    note.write_text("The autoclave A-3 is validated every six months.", "utf-8")
    added = subprocess.run(
        [*CLI, "add", str(note), "--json"],
        env=_env(confidente_home),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert added.returncode == 0, added.stderr

    used = _json(_models(["use", TEST_ID, "--json"], confidente_home, home, **env))
    assert used["embedding_model"] == TEST_ID
    listing = _json(_models(["list", "--json"], confidente_home, home, **env))
    listed = listing["embedders"]
    assert isinstance(listed, list)
    embedders = {e["id"]: e for e in listed}
    assert embedders[TEST_ID]["active"] is True
    assert embedders["all-MiniLM-L6-v2"]["active"] is False
    text = _models(["list"], confidente_home, home, **env).stdout
    assert "Embedding models (for documents):" in text

    reindexed = subprocess.run(
        [*CLI, "reindex", "--json"],
        env=_env(confidente_home),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert reindexed.returncode == 0, reindexed.stderr
    report = json.loads(reindexed.stdout)
    assert report["embedding_model"] == TEST_ID
    assert [f["status"] for f in report["files"]] == ["indexed"]
    found = subprocess.run(
        [*CLI, "search", "autoclave validation", "--json"],
        env=_env(confidente_home),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert json.loads(found.stdout)[0]["path"] == str(note.resolve())

    refused = _models(["remove", TEST_ID], confidente_home, home, **env)
    assert refused.returncode != 0
    assert "in use" in refused.stderr
