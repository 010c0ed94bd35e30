"""Writing a small file so that a crash or power cut leaves the old one or the new one.

The text goes to a temporary file in the same folder, is flushed and fsynced,
replaces the old file with `os.replace` (atomic on one file system), and the
folder is fsynced so the rename itself survives a power cut. Every JSON file
Confidente keeps (settings, the model registry, download notes) is written here.
"""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import suppress
from pathlib import Path
from typing import Any


def write_json(path: Path, data: Any, *, indent: int | None = 1, ensure_ascii: bool = True) -> None:
    write_text(path, json.dumps(data, indent=indent, ensure_ascii=ensure_ascii))


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(name, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(name)
        raise
    _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    if os.name == "nt":  # a folder cannot be opened on Windows; NTFS journals the rename
        return
    handle = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
