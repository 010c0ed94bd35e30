"""The key that encrypts what the user wrote or added: conversations and document passages.

One random 256-bit key per data folder encrypts Confidente's SQLite stores
(SQLCipher, AES-256). Where it lives is decided on the first start and written
in `key.json` beside the stores, which holds no secret:

- In the OS keychain (through keyring), when a real one is available: the key
  is random and the user never sees it.
- Otherwise derived from a passphrase with Argon2id (64 MiB, 3 passes, 4 lanes:
  RFC 9106's second recommended setting) and a random salt. The passphrase is
  asked once (in the window, or on a terminal), or read from the file named by
  CONFIDENTE_PASSPHRASE_FILE, for scripts; that file must be the user's alone.
  It is never read from a plain environment variable, which other programs and
  crash reports can see.

`key.json` also keeps a check value (an HMAC made with the key), so a wrong
passphrase, or a keychain that now hands back another key, is refused before
any store is opened. Nothing here ever falls back to storing text unencrypted:
with no keychain, no passphrase file and nobody to ask, `unlock` fails with
the way out in its message.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import stat
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from app.core.atomic import write_json
from app.core.errors import ConfidenteError
from app.core.models.token import SERVICE, keychain_weakness
from app.core.paths import AppPaths

KEY_FILE = "key.json"
PASSPHRASE_FILE_VARIABLE = "CONFIDENTE_PASSPHRASE_FILE"
KEYCHAIN_ACCOUNT_PREFIX = "data-key-"
MIN_PASSPHRASE_LENGTH = 8
_CHECK_MESSAGE = b"Confidente data key check, version 1"
_ARGON2 = {"memory_kib": 65536, "iterations": 3, "lanes": 4}
_KEY_BYTES = 32

Method = Literal["keychain", "passphrase", "ephemeral"]


class DataKeyError(ConfidenteError):
    """The data key could not be had: the stores stay closed (and untouched)."""


class WrongPassphrase(DataKeyError):
    """The passphrase given does not open this data folder."""


class PassphraseNeeded(DataKeyError):
    """No keychain, no passphrase file, and nobody to ask."""


@dataclass(frozen=True, repr=False)
class DataKey:
    secret: bytes
    method: Method

    def __repr__(self) -> str:  # never in a log or a traceback
        return f"DataKey(method={self.method!r}, secret=<hidden>)"

    def sql_literal(self) -> str:
        """The key as SQLCipher's raw-key literal, for `PRAGMA key` and `ATTACH ... KEY`."""
        return f"\"x'{self.secret.hex()}'\""


class Prompt(Protocol):
    """Asks the user for the passphrase: `new` to choose one (the caller has it typed
    twice), `problem` says what was wrong with the last one. None: the user declined."""

    def __call__(self, *, new: bool, problem: str | None) -> str | None: ...


class Keychain(Protocol):
    """What the key needs of `keyring` (the module, or a backend in tests)."""

    def get_password(self, service: str, username: str) -> str | None: ...

    def set_password(self, service: str, username: str, password: str) -> None: ...


# Keys already unlocked in this process, by data folder: a passphrase is asked once.
_unlocked: dict[Path, DataKey] = {}


def unlock(
    paths: AppPaths,
    prompt: Prompt | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    keychain: Keychain | None = None,
) -> DataKey:
    """The data folder's key: from the keychain, the passphrase file or `prompt`.

    On the first start the key is made (and its place recorded); afterwards the
    place recorded is the only one tried. DataKeyError (with what to do) when
    the key cannot be had; nothing is written then, except on the first start.
    """
    folder = paths.data.resolve()
    if folder in _unlocked:
        return _unlocked[folder]
    env = os.environ if environ is None else environ
    record_file = folder / KEY_FILE
    record = _read_record(record_file)
    if record is None:
        key = _first_key(record_file, env, prompt, keychain)
    elif record["method"] == "keychain":
        key = _from_keychain(record, keychain)
    else:
        key = _from_passphrase(record, env, prompt)
    _unlocked[folder] = key
    return key


def ephemeral_key() -> DataKey:
    """A random key kept nowhere, for a scratch data folder deleted after use (the self-test)."""
    return DataKey(secrets.token_bytes(_KEY_BYTES), "ephemeral")


def forget(paths: AppPaths) -> None:
    """Drop this process's copy of the folder's key (after its data was erased)."""
    _unlocked.pop(paths.data.resolve(), None)


def keychain_account(paths: AppPaths) -> str | None:
    """The keychain entry holding the folder's key, if the key is kept there."""
    record = _read_record(paths.data.resolve() / KEY_FILE)
    if record is None or record["method"] != "keychain":
        return None
    return str(record["account"])


def describe(paths: AppPaths) -> str:
    """Where the folder's key is kept, for `doctor`."""
    try:
        record = _read_record(paths.data.resolve() / KEY_FILE)
    except DataKeyError as exc:
        return exc.message
    if record is None:
        return "not made yet (made on the first start)"
    if record["method"] == "keychain":
        return "a random key in the OS keychain"
    return "derived from your passphrase (Argon2id)"


# --- the record -----------------------------------------------------------------------


def _read_record(path: Path) -> dict[str, Any] | None:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise DataKeyError(
            f"{path}, which says where the key to your data is kept, cannot be read ({exc}). "
            "Your data was left untouched and stays encrypted.",
        ) from exc
    if not isinstance(record, dict) or record.get("method") not in ("keychain", "passphrase"):
        raise DataKeyError(
            f"{path}, which says where the key to your data is kept, is not one Confidente "
            "wrote. Your data was left untouched and stays encrypted."
        )
    return record


def _check_value(secret: bytes) -> str:
    return hmac.new(secret, _CHECK_MESSAGE, hashlib.sha256).hexdigest()


def _checked(record: Mapping[str, Any], secret: bytes) -> bool:
    return hmac.compare_digest(str(record.get("check", "")), _check_value(secret))


# --- the first start -------------------------------------------------------------------


def _first_key(
    record_file: Path, env: Mapping[str, str], prompt: Prompt | None, keychain: Keychain | None
) -> DataKey:
    """Make the key: a passphrase if the user set a passphrase file, else the keychain,
    else a passphrase asked for; never no key."""
    if env.get(PASSPHRASE_FILE_VARIABLE, "").strip():
        return _new_passphrase_key(record_file, _passphrase_from_file(env))
    weakness = keychain_weakness() if keychain is None else None
    if weakness is None:
        return _new_keychain_key(record_file, keychain or _system_keychain())
    if prompt is None:
        raise PassphraseNeeded(
            "Your conversations and documents are kept encrypted, and there is no OS keychain "
            f"here to hold their key ({weakness}). Open Confidente's window or a terminal to "
            f"choose a passphrase, or set {PASSPHRASE_FILE_VARIABLE} to a file only you can "
            "read that holds one."
        )
    problem: str | None = None
    while True:
        passphrase = prompt(new=True, problem=problem)
        if passphrase is None:
            raise PassphraseNeeded("No passphrase was chosen, so nothing was opened.")
        problem = _weak_passphrase(passphrase)
        if problem is None:
            return _new_passphrase_key(record_file, passphrase)


def _new_keychain_key(record_file: Path, keychain: Keychain) -> DataKey:
    from keyring.errors import KeyringError

    secret = secrets.token_bytes(_KEY_BYTES)
    account = KEYCHAIN_ACCOUNT_PREFIX + secrets.token_hex(8)
    try:
        keychain.set_password(SERVICE, account, secret.hex())
        kept = keychain.get_password(SERVICE, account)
    except (KeyringError, RuntimeError, OSError) as exc:
        raise DataKeyError(
            f"The OS keychain refused to keep the key to your data ({exc}). Unlock the "
            f"keychain and start again, or set {PASSPHRASE_FILE_VARIABLE} to use a passphrase."
        ) from exc
    if kept != secret.hex():
        raise DataKeyError(
            "The OS keychain did not give back the key just stored in it, so it is not used. "
            f"Set {PASSPHRASE_FILE_VARIABLE} to use a passphrase instead."
        )
    record = {"method": "keychain", "account": account, "check": _check_value(secret)}
    write_json(record_file, record)
    return DataKey(secret, "keychain")


def _new_passphrase_key(record_file: Path, passphrase: str) -> DataKey:
    salt = secrets.token_bytes(16)
    record: dict[str, Any] = {"method": "passphrase", "kdf": "argon2id", "salt": salt.hex()}
    record.update(_ARGON2)
    secret = _derive(passphrase, record)
    record["check"] = _check_value(secret)
    write_json(record_file, record)
    return DataKey(secret, "passphrase")


def _weak_passphrase(passphrase: str) -> str | None:
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        return f"Use at least {MIN_PASSPHRASE_LENGTH} characters."
    return None


# --- later starts ----------------------------------------------------------------------


def _from_keychain(record: Mapping[str, Any], keychain: Keychain | None) -> DataKey:
    from keyring.errors import KeyringError

    if keychain is None:
        weakness = keychain_weakness()
        if weakness is not None:
            raise DataKeyError(
                "The key to your conversations and documents is kept in the OS keychain, "
                f"which is not available now ({weakness}). Unlock or start the keychain and "
                "open Confidente again; your data was left untouched."
            )
        keychain = _system_keychain()
    try:
        stored = keychain.get_password(SERVICE, str(record.get("account", "")))
    except (KeyringError, RuntimeError, OSError) as exc:
        raise DataKeyError(
            f"The OS keychain refused to hand over the key to your data ({exc}). Unlock it "
            "and open Confidente again; your data was left untouched."
        ) from exc
    try:
        secret = bytes.fromhex(stored or "")
    except ValueError:
        secret = b""
    if len(secret) != _KEY_BYTES or not _checked(record, secret):
        raise DataKeyError(
            "The OS keychain no longer holds the key to your conversations and documents "
            "(it was deleted, or this is another keychain). Without it they cannot be read; "
            "they were left untouched."
        )
    return DataKey(secret, "keychain")


def _from_passphrase(
    record: Mapping[str, Any], env: Mapping[str, str], prompt: Prompt | None
) -> DataKey:
    if env.get(PASSPHRASE_FILE_VARIABLE, "").strip():
        secret = _derive(_passphrase_from_file(env), record)
        if not _checked(record, secret):
            raise WrongPassphrase(
                f"The passphrase in {PASSPHRASE_FILE_VARIABLE} does not open your data; "
                "nothing was opened or changed."
            )
        return DataKey(secret, "passphrase")
    if prompt is None:
        raise PassphraseNeeded(
            "Your conversations and documents are encrypted with your passphrase. Open "
            f"Confidente's window or a terminal to type it, or set {PASSPHRASE_FILE_VARIABLE} "
            "to a file only you can read that holds it."
        )
    problem: str | None = None
    while True:
        passphrase = prompt(new=False, problem=problem)
        if passphrase is None:
            raise PassphraseNeeded("No passphrase was given, so nothing was opened.")
        secret = _derive(passphrase, record)
        if _checked(record, secret):
            return DataKey(secret, "passphrase")
        problem = "That passphrase does not open your data. Try again."


def _derive(passphrase: str, record: Mapping[str, Any]) -> bytes:
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

    try:
        salt = bytes.fromhex(str(record["salt"]))
        kdf = Argon2id(
            salt=salt,
            length=_KEY_BYTES,
            iterations=int(record["iterations"]),
            lanes=int(record["lanes"]),
            memory_cost=int(record["memory_kib"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise DataKeyError(
            "The record of how your passphrase makes the key is damaged; your data was "
            "left untouched."
        ) from exc
    return kdf.derive(passphrase.encode("utf-8"))


def _passphrase_from_file(env: Mapping[str, str]) -> str:
    """The passphrase in the file CONFIDENTE_PASSPHRASE_FILE names, if only its owner reads it."""
    path = Path(env[PASSPHRASE_FILE_VARIABLE].strip()).expanduser()
    try:
        with path.open("rb") as file:
            info = os.fstat(file.fileno())
            if sys.platform != "win32" and (
                info.st_mode & (stat.S_IRWXG | stat.S_IRWXO) or info.st_uid != os.getuid()
            ):
                raise DataKeyError(
                    f"{path} ({PASSPHRASE_FILE_VARIABLE}) can be read by others or is not "
                    f"yours, so it is not used: run `chmod 600 {path}` first."
                )
            content = file.read(4096)
    except OSError as exc:
        raise DataKeyError(
            f"The passphrase file {path} ({PASSPHRASE_FILE_VARIABLE}) cannot be read: "
            f"{exc.strerror or exc}."
        ) from exc
    try:
        passphrase = content.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError as exc:
        raise DataKeyError(f"The passphrase file {path} is not UTF-8 text.") from exc
    problem = _weak_passphrase(passphrase)
    if problem:
        raise DataKeyError(f"The passphrase in {path} is too short. {problem}")
    return passphrase


def _system_keychain() -> Keychain:
    import keyring

    return keyring
