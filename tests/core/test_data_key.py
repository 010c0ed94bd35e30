"""The data key: the keychain when there is one, else a passphrase; never no key."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from app.core import data_key
from app.core.data_key import (
    KEY_FILE,
    DataKeyError,
    PassphraseNeeded,
    WrongPassphrase,
    unlock,
)
from app.core.erase import erase_all
from app.core.models.token import SERVICE
from app.core.paths import AppPaths, app_paths
from tests.keyring_standin import StandInKeyring

PASSPHRASE = "la marea sube a las siete"


@pytest.fixture
def paths() -> Iterator[AppPaths]:
    opened = app_paths().ensure()
    yield opened
    data_key.forget(opened)


@pytest.fixture
def no_keychain() -> Iterator[None]:
    """As on this machine without the stand-in: keyring's fail backend."""
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]
    yield
    keyring.set_keyring(before)


def passphrase_file(folder: Path, text: str = PASSPHRASE, mode: int = 0o600) -> Path:
    path = folder / "passphrase.txt"
    path.write_text(text + "\n", "utf-8")
    path.chmod(mode)
    return path


def record(paths: AppPaths) -> dict[str, object]:
    loaded: dict[str, object] = json.loads((paths.data / KEY_FILE).read_text())
    return loaded


def test_with_a_keychain_the_key_is_random_and_kept_there_only(
    paths: AppPaths, keychain_file: Path
) -> None:
    key = unlock(paths)
    assert key.method == "keychain"
    assert len(key.secret) == 32
    kept = record(paths)
    assert kept["method"] == "keychain"
    assert key.secret.hex() not in (paths.data / KEY_FILE).read_text()
    stored = json.loads(keychain_file.read_text())
    assert stored == {f"{SERVICE}/{kept['account']}": key.secret.hex()}
    assert "hidden" in repr(key)
    assert key.secret.hex() not in repr(key)

    data_key.forget(paths)
    assert unlock(paths) == key  # the same key on the next start

    data_key.forget(paths)
    keychain_file.write_text("{}")  # the keychain lost it: no new key is made
    with pytest.raises(DataKeyError, match="no longer holds the key"):
        unlock(paths)
    assert record(paths) == kept


def test_erasing_everything_deletes_the_key_from_the_keychain(
    paths: AppPaths, keychain_file: Path
) -> None:
    unlock(paths)
    assert json.loads(keychain_file.read_text())
    erase_all(paths, keyring)
    assert json.loads(keychain_file.read_text()) == {}
    assert not (paths.data / KEY_FILE).exists()


@pytest.mark.usefixtures("no_keychain")
def test_no_keychain_no_file_and_nobody_to_ask_fails_closed(
    paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONFIDENTE_PASSPHRASE", PASSPHRASE)  # a plain variable is never read
    with pytest.raises(PassphraseNeeded, match="CONFIDENTE_PASSPHRASE_FILE"):
        unlock(paths)
    assert not (paths.data / KEY_FILE).exists()


@pytest.mark.usefixtures("no_keychain")
def test_a_passphrase_file_must_be_the_users_alone(
    paths: AppPaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    readable = passphrase_file(tmp_path, mode=0o644)
    monkeypatch.setenv("CONFIDENTE_PASSPHRASE_FILE", str(readable))
    with pytest.raises(DataKeyError, match="chmod 600"):
        unlock(paths)
    assert not (paths.data / KEY_FILE).exists()

    readable.chmod(0o600)
    key = unlock(paths)
    assert key.method == "passphrase"
    kept = record(paths)
    assert kept["kdf"] == "argon2id"
    assert kept["memory_kib"] == 65536
    assert PASSPHRASE not in (paths.data / KEY_FILE).read_text()

    data_key.forget(paths)
    assert unlock(paths) == key  # the same passphrase, the same key

    data_key.forget(paths)
    passphrase_file(tmp_path, "another passphrase entirely")
    with pytest.raises(WrongPassphrase, match="does not open your data"):
        unlock(paths)
    assert record(paths) == kept

    passphrase_file(tmp_path, "short")
    with pytest.raises(DataKeyError, match="too short"):
        unlock(paths)


@pytest.mark.usefixtures("no_keychain")
def test_the_passphrase_is_asked_chosen_twice_and_a_wrong_one_asked_again(
    paths: AppPaths,
) -> None:
    asked: list[tuple[bool, str | None]] = []
    answers = iter(["short", PASSPHRASE])

    def prompt(*, new: bool, problem: str | None) -> str | None:
        asked.append((new, problem))
        return next(answers)

    key = unlock(paths, prompt)
    assert asked == [(True, None), (True, "Use at least 8 characters.")]

    data_key.forget(paths)
    asked.clear()
    answers = iter(["not the passphrase", PASSPHRASE])
    assert unlock(paths, prompt) == key
    assert asked == [(False, None), (False, "That passphrase does not open your data. Try again.")]

    data_key.forget(paths)
    with pytest.raises(PassphraseNeeded, match="No passphrase was given"):
        unlock(paths, lambda *, new, problem: None)  # Cancel


def test_a_keychain_later_chosen_does_not_replace_a_passphrase(
    paths: AppPaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The place recorded on the first start is the only one tried afterwards."""
    monkeypatch.setenv("CONFIDENTE_PASSPHRASE_FILE", str(passphrase_file(tmp_path)))
    key = unlock(paths)
    data_key.forget(paths)
    monkeypatch.delenv("CONFIDENTE_PASSPHRASE_FILE")
    keyring.set_keyring(StandInKeyring())  # a keychain now, but the key is the passphrase's
    with pytest.raises(PassphraseNeeded, match="encrypted with your passphrase"):
        unlock(paths)
    assert unlock(paths, lambda *, new, problem: PASSPHRASE) == key


def test_a_damaged_record_is_refused_and_left_alone(paths: AppPaths) -> None:
    (paths.data / KEY_FILE).write_text("{not json")
    with pytest.raises(DataKeyError, match="cannot be read"):
        unlock(paths)
    assert (paths.data / KEY_FILE).read_text() == "{not json"
