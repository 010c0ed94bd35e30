"""Shared fixtures: a fresh CONFIDENTE_HOME per test, the real starter model once per run."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import keyring

from app.core.models.starter import ensure_starter_model
from app.core.services import Services
from tests.keyring_standin import StandInKeyring

pytest_plugins = [
    "tests.gui_windows",  # open_window and home, for every GUI test
    "tests.lock_holders",  # holders, for the writer-lock tests
]


@pytest.fixture(autouse=True)
def confidente_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "confidente-home"
    monkeypatch.setenv("CONFIDENTE_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def keychain_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A stand-in OS keychain (this machine has none) holding each test's data key.

    It is a file, named in the environment, so the CLI's subprocesses see the
    same keychain (and key) as the test. Tests of a missing keychain replace it.
    """
    file = tmp_path / "keychain.json"
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.keyring_standin.StandInKeyring")
    monkeypatch.setenv("CONFIDENTE_TEST_KEYRING", str(file))
    monkeypatch.delenv("CONFIDENTE_PASSPHRASE_FILE", raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(StandInKeyring())
    yield file
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def _no_dangling_model_threads() -> Iterator[None]:
    before = set(threading.enumerate())
    yield
    leaked = [
        t
        for t in threading.enumerate()
        if t not in before and t.is_alive() and t.name.startswith("confidente-")
    ]
    assert not leaked, f"model worker threads outlived the test: {leaked}"


@pytest.fixture(scope="session")
def starter_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real starter GGUF, assembled once for the whole run."""
    return ensure_starter_model(tmp_path_factory.mktemp("models"))


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated Spanish/English test corpus (tests/corpus.py), written once per run."""
    from tests.corpus import build_corpus

    folder = tmp_path_factory.mktemp("corpus")
    build_corpus(folder)
    return folder


@pytest.fixture
def services(starter_model: Path) -> Iterator[Services]:
    """Services with the real starter model loaded, short answers, a roomy context."""
    svc = Services(model_path=str(starter_model), max_tokens=32, context_length=2048)
    svc.models.load(svc.settings).result()
    yield svc
    svc.close()
