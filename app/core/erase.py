"""Erase all my data: everything Confidente keeps about its user, in one step.

Conversations, document libraries (their text, vectors and set-aside copies),
settings, the cache, the models downloaded into Confidente's own models folder,
and its entries in the OS keychain (the Hugging Face token, the key to the data).
Each of Confidente's folders is deleted whole; links inside them are deleted, never followed, so a
model imported from another tool's folder stays where it is. Nothing outside
these folders is touched, and a folder that is not Confidente's own (the home
folder, a drive's root) is refused rather than deleted.

Close the window first: files it holds open would be written again.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from app.core import data_key
from app.core.errors import StorageError
from app.core.models.token import ACCOUNT, SERVICE
from app.core.paths import AppPaths

# Every (service, account) Confidente stores in the keychain.
KEYCHAIN_ENTRIES: tuple[tuple[str, str], ...] = ((SERVICE, ACCOUNT),)


class Keychain(Protocol):
    """What erasing needs of `keyring` (the module, or a backend)."""

    def delete_password(self, service: str, username: str) -> None: ...


@dataclass(frozen=True)
class Erased:
    folders: tuple[Path, ...]  # the folders deleted (those that existed)
    secrets: int  # keychain entries deleted


def system_keychain() -> Keychain:
    """The OS keychain, through keyring (imported only when erasing)."""
    import keyring

    return keyring


def data_folders(paths: AppPaths) -> list[Path]:
    """Confidente's folders, each once (the models folder is often inside the data one)."""
    folders = list(dict.fromkeys((paths.data, paths.config, paths.models, paths.cache)))
    return [
        folder
        for folder in folders
        if not any(other != folder and folder.is_relative_to(other) for other in folders)
    ]


def erase_all(paths: AppPaths, keyring: Keychain) -> Erased:
    """Delete everything Confidente keeps (see the module's docstring).

    Everything that can be deleted is; then StorageError names what could not be.
    """
    folders = data_folders(paths)
    for folder in folders:
        _check_ours(folder)
    entries = list(KEYCHAIN_ENTRIES)
    try:
        account = data_key.keychain_account(paths)  # read before its record is deleted
    except data_key.DataKeyError:
        account = None  # an unreadable record: the folders still go
    if account:
        entries.append((SERVICE, account))
    erased: list[Path] = []
    left: list[str] = []
    for folder in folders:
        if not folder.exists() and not folder.is_symlink():
            continue
        try:
            if folder.is_symlink():  # the link is ours, what it points at may not be
                folder.unlink()
            else:
                shutil.rmtree(folder)
            erased.append(folder)
        except OSError as exc:
            left.append(f"{folder} ({exc.strerror or exc})")
    secrets = 0
    data_key.forget(paths)
    for service, entry in entries:
        try:
            if _delete_secret(keyring, service, entry):
                secrets += 1
        except StorageError as exc:
            left.append(exc.message)
    if left:
        raise StorageError("Some of your data could not be erased: " + "; ".join(left) + ".")
    return Erased(tuple(erased), secrets)


def _check_ours(folder: Path) -> None:
    """StorageError for a folder whose deletion would take more than Confidente's data."""
    resolved = folder.resolve()
    home = Path.home().resolve()
    if resolved.parent == resolved or resolved == home or home.is_relative_to(resolved):
        raise StorageError(
            f"{folder} is not a folder of Confidente's own; nothing was erased. "
            "Check CONFIDENTE_HOME."
        )


def _delete_secret(keyring: Keychain, service: str, account: str) -> bool:
    """Delete one keychain entry; False if there was none."""
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        keyring.delete_password(service, account)
    except PasswordDeleteError:
        return False
    except (KeyringError, RuntimeError, OSError) as exc:
        raise StorageError(f"the keychain entry {service}/{account} ({exc})") from exc
    return True
