"""`confidente erase --all`: erase everything Confidente keeps (`app.core.erase`).

It asks first: the user types "erase", or passes --yes (scripts). Nothing is
erased without one or the other, nor when the answer cannot be read.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

CONFIRMATION = "erase"


def register(commands: Any) -> None:
    """Add `erase` to the `confidente` parser (handlers: HANDLERS)."""
    erase = commands.add_parser(
        "erase",
        help="erase all your data: conversations, libraries, settings, downloaded models "
        "and the keychain entries",
    )
    erase.add_argument(
        "--all", action="store_true", required=True, help="everything (required: no partial erase)"
    )
    erase.add_argument("--yes", action="store_true", help="do not ask for confirmation")


def _erase(args: argparse.Namespace) -> int:
    from app.core.erase import data_folders, erase_all, system_keychain
    from app.core.paths import app_paths

    paths = app_paths()
    if not args.yes:
        print("This erases, for good:", file=sys.stderr)
        for folder in data_folders(paths):
            print(f"  {folder}", file=sys.stderr)
        print(
            "  and Confidente's entries in the keychain (the Hugging Face token).", file=sys.stderr
        )
        print("Close Confidente's window first.", file=sys.stderr)
        try:
            answer = input(f'Type "{CONFIRMATION}" to erase everything: ')
        except EOFError:
            answer = ""
        if answer.strip() != CONFIRMATION:
            print("Nothing was erased.", file=sys.stderr)
            return 1
    erased = erase_all(paths, system_keychain())
    print(
        f"Erased {len(erased.folders)} folders and {erased.secrets} keychain entries."
        if erased.folders or erased.secrets
        else "There was nothing to erase."
    )
    return 0


HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {"erase": _erase}
