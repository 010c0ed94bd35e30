"""Erase all my data: Confidente's folders and keychain entries go, nothing else does;
`confidente erase --all` asks first."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from app.cli.entry import main
from app.core.erase import erase_all
from app.core.errors import StorageError
from app.core.models.token import ACCOUNT, SERVICE
from app.core.paths import AppPaths, app_paths
from tests.keyring_standin import StandInKeyring


@pytest.fixture
def keychain() -> Iterator[StandInKeyring]:
    before = keyring.get_keyring()
    backend = StandInKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


def fill(paths: AppPaths, outside: Path) -> None:
    """Something in every folder, and a model imported from another tool's folder."""
    paths.ensure()
    paths.conversations_db.write_bytes(b"SQLite format 3\x00 secret conversation")
    (paths.data / "documents" / "vectors.broken-20250101-000000").mkdir(parents=True)
    (paths.data / "documents" / "catalog.sqlite3").write_bytes(b"secret passages")
    paths.settings_file.write_text("{}", "utf-8")
    (paths.models / "qwen.gguf").write_bytes(b"GGUF downloaded")
    outside.mkdir()
    (outside / "other-tool.gguf").write_bytes(b"GGUF not ours")
    (paths.models / "linked").symlink_to(outside, target_is_directory=True)
    (paths.cache / "vetted-models.json").write_text("{}", "utf-8")


def listing(home: Path) -> list[str]:
    return sorted(str(p.relative_to(home)) for p in home.rglob("*")) if home.exists() else []


def test_erase_all_deletes_confidentes_folders_and_keychain_entries_only(
    confidente_home: Path, tmp_path: Path, keychain: StandInKeyring
) -> None:
    paths = app_paths()
    outside = tmp_path / "other-tool-models"
    fill(paths, outside)
    keychain.set_password(SERVICE, ACCOUNT, "hf_secret")
    keychain.set_password("another-app", "someone", "theirs")

    erased = erase_all(paths, keyring)

    assert erased.secrets == 1
    assert set(erased.folders) == {paths.data, paths.config, paths.models, paths.cache}
    assert listing(confidente_home) == []
    assert keychain.get_password(SERVICE, ACCOUNT) is None
    assert keychain.get_password("another-app", "someone") == "theirs"
    assert (outside / "other-tool.gguf").read_bytes() == b"GGUF not ours"  # never followed
    assert erase_all(paths, keyring).folders == ()  # again: nothing left, no error


def test_a_folder_that_is_not_confidentes_own_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keychain: StandInKeyring
) -> None:
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    paths = AppPaths(home / "data", home / "config", home / "models", home)  # cache = home
    with pytest.raises(StorageError, match="not a folder of Confidente's own"):
        erase_all(paths, keyring)
    assert (home / "Documents").is_dir()


@pytest.mark.parametrize(("answer", "erased"), [("no\n", False), ("", False), ("erase\n", True)])
def test_the_command_asks_first(
    confidente_home: Path,
    tmp_path: Path,
    keychain: StandInKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    answer: str,
    erased: bool,
) -> None:
    fill(app_paths(), tmp_path / "outside")
    keychain.set_password(SERVICE, ACCOUNT, "hf_secret")
    before = listing(confidente_home)
    monkeypatch.setattr("sys.stdin", io.StringIO(answer))

    code = main(["erase", "--all"])

    out, err = capsys.readouterr()
    if erased:
        assert code == 0
        assert listing(confidente_home) == []
        assert keychain.get_password(SERVICE, ACCOUNT) is None
        assert "Erased 4 folders and 1 keychain entries." in out
    else:
        assert code == 1
        assert "Nothing was erased." in err
        assert listing(confidente_home) == before
        assert keychain.get_password(SERVICE, ACCOUNT) == "hf_secret"


def test_the_command_with_yes_does_not_ask(
    confidente_home: Path, tmp_path: Path, keychain: StandInKeyring
) -> None:
    fill(app_paths(), tmp_path / "outside")
    assert main(["erase", "--all", "--yes"]) == 0
    assert listing(confidente_home) == []
    with pytest.raises(SystemExit):
        main(["erase"])  # --all is required: no partial erase by accident
