"""The CLI's way into the encrypted data: the key, then the services.

With no keychain and no passphrase file, the passphrase is asked on the
terminal (never echoed) when there is one; a script with no terminal gets
the message saying how to give it one (CONFIDENTE_PASSPHRASE_FILE).
"""

from __future__ import annotations

import getpass
import sys
from typing import TYPE_CHECKING, Any

from app.core.data_key import MIN_PASSPHRASE_LENGTH, DataKey, Prompt, unlock
from app.core.paths import app_paths

if TYPE_CHECKING:
    from app.core.services import Services


def terminal_prompt(*, new: bool, problem: str | None) -> str | None:
    """Ask on the terminal; None on end of input (Ctrl+D)."""
    if problem:
        print(f"confidente: {problem}", file=sys.stderr)
    try:
        if not new:
            return getpass.getpass("Passphrase for your Confidente data: ")
        if problem is None:
            print(
                "Your conversations and documents are kept encrypted, and there is no OS "
                "keychain here to hold their key. Choose a passphrase (at least "
                f"{MIN_PASSPHRASE_LENGTH} characters); without it your data cannot be read, "
                "so keep it safe.",
                file=sys.stderr,
            )
        while True:
            first = getpass.getpass("New passphrase: ")
            if first == getpass.getpass("The same passphrase again: "):
                return first
            print("confidente: the two passphrases differ; try again.", file=sys.stderr)
    except EOFError:
        return None


def data_key() -> DataKey:
    """The data folder's key, asking on the terminal only where there is one."""
    prompt: Prompt | None = terminal_prompt if sys.stdin.isatty() else None
    return unlock(app_paths().ensure(), prompt)


def open_services(**overrides: Any) -> Services:
    """Services on the unlocked data, with its settings warnings printed."""
    from app.core.services import Services

    services = Services(key=data_key(), **overrides)
    for warning in services.warnings:
        print(f"confidente: {warning}", file=sys.stderr)
    return services
