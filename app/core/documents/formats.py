"""Which files Confidente reads, and finding them in what the user dropped.

Decided by extension alone: opening a file to sniff it is the parser's job,
and it happens in the sandboxed reader, not here. This module only looks at
names and directory entries, so it stays cheap to import and to run on a
folder of many thousands of files.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from app.core.documents.records import FileOutcome, FileStatus

_KINDS: dict[str, str] = {
    ".pdf": "pdf",
    **dict.fromkeys((".txt", ".text", ".log", ".rst"), "text"),
    **dict.fromkeys((".md", ".markdown"), "markdown"),
    **dict.fromkeys((".html", ".htm", ".xhtml"), "html"),
    ".docx": "docx",
    **dict.fromkeys((".csv", ".tsv"), "csv"),
    **dict.fromkeys(
        (
            # programming languages
            ".py", ".pyi", ".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".java", ".c", ".h",
            ".cpp", ".cc", ".cxx", ".hpp", ".hh", ".hxx", ".cs", ".go", ".rs", ".rb", ".php",
            ".pl", ".lua", ".r", ".m", ".swift", ".kt", ".kts", ".scala", ".dart", ".jl",
            ".hs", ".ex", ".exs", ".erl", ".clj", ".fs", ".vb", ".f90", ".sql", ".css",
            ".scss", ".vue", ".svelte",
            # scripts
            ".sh", ".bash", ".zsh", ".fish", ".bat", ".cmd", ".ps1",
            # data and configuration
            ".json", ".jsonl", ".yaml", ".yml", ".toml", ".ini", ".cfg", ".conf",
            ".properties", ".xml", ".tex", ".bib", ".ipynb",
        ),
        "code",
    ),
}  # fmt: skip

_IMAGES = frozenset((
    ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".heic", ".heif", ".ico",
    ".svg", ".psd", ".raw", ".cr2", ".nef", ".dng",
))  # fmt: skip

# Files and folders that operating systems, editors and tools leave behind.
# Compared in lower case; their contents are never anybody's document.
_SYSTEM_NAMES = frozenset(
    (
        "thumbs.db",
        "ehthumbs.db",
        "desktop.ini",
        ".ds_store",
        "__macosx",
        "__pycache__",
        ".git",
        ".svn",
        ".hg",
        "node_modules",
        "$recycle.bin",
        "system volume information",
    )
)

_HIDDEN_ATTRIBUTES = stat.FILE_ATTRIBUTE_HIDDEN | stat.FILE_ATTRIBUTE_SYSTEM


_LEADS_OUTSIDE = (
    "A link that leads outside the added folder; not followed. Add its target directly to read it."
)


@dataclass(frozen=True)
class ScanResult:
    """The documents to read (absolute, unique, sorted) and what was left out, with why."""

    files: list[Path]
    skipped: list[FileOutcome]


def kind_of(path: Path) -> str | None:
    """The reader for this file ("pdf", "text", "markdown", "html", "docx", "csv", "code")."""
    return _KINDS.get(path.suffix.lower())


def unsupported_reason(path: Path) -> str:
    """Why a file whose kind is unknown is not read, in words for the user."""
    suffix = path.suffix.lower()
    if suffix in _IMAGES:
        return "Images are not read (no OCR)."
    if suffix == ".doc":
        return "Old Word .doc files are not read; save it as .docx."
    if not suffix:
        return "Not a document type Confidente reads (no extension)."
    return f"Not a document type Confidente reads ({suffix})."


def scan(paths: Iterable[Path | str]) -> ScanResult:
    """Find the documents among files and folders the user picked or dropped.

    Folders are walked recursively. Hidden and system entries inside them are
    left out silently, since nobody meant to add them; an unsupported file
    gets a SKIPPED outcome so the user sees why it is missing. A path named
    explicitly is read even if hidden: the user asked for it.

    Links inside a walked folder are followed only while they stay inside it:
    a link (to a file or a folder) that leads out of the added folder is
    skipped with the reason, since adding a folder must not read what lies
    elsewhere (a link to the whole disk, to ~/.ssh). Each real folder is walked
    once, so a link loop cannot make the scan endless.
    """
    scanner = _Scanner()
    for raw in paths:
        scanner.add(Path(os.path.abspath(Path(raw).expanduser())))
    return ScanResult(
        files=sorted(scanner.files),
        skipped=sorted(scanner.skipped.values(), key=lambda outcome: outcome.path),
    )


class _Scanner:
    def __init__(self) -> None:
        self.files: set[Path] = set()
        self.skipped: dict[str, FileOutcome] = {}

    def add(self, path: Path) -> None:
        if path.is_dir():
            self._walk(path)
        elif path.is_file():
            self._file(path)
        elif os.path.lexists(path):
            self._skip(path, "Not a regular file (device, pipe or broken link).")
        else:
            self._skip(path, "No such file or folder.", FileStatus.FAILED)

    def _walk(self, top: Path) -> None:
        root = top.resolve()
        seen = {root}
        pending = [top]
        while pending:
            folder = pending.pop()
            try:
                with os.scandir(folder) as entries:
                    listed = list(entries)
            except OSError as error:
                self._skip(
                    folder, f"Could not open this folder ({error.strerror}).", FileStatus.FAILED
                )
                continue
            for entry in listed:
                path = Path(entry.path)
                try:
                    if _is_hidden(entry):
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        seen.add(path.resolve())
                        pending.append(path)
                    elif entry.is_symlink() and (entry.is_dir() or entry.is_file()):
                        target = path.resolve()
                        if not target.is_relative_to(root):
                            self._skip(path, _LEADS_OUTSIDE)
                        elif entry.is_file():
                            self._file(path)
                        elif target not in seen:  # a folder inside: walked once
                            seen.add(target)
                            pending.append(path)
                    elif entry.is_file():
                        self._file(path)
                    # else: a pipe, socket, device or broken link, which nobody means to add
                except OSError as error:
                    self._skip(
                        path, f"Could not open this file ({error.strerror}).", FileStatus.FAILED
                    )

    def _file(self, path: Path) -> None:
        if kind_of(path) is None:
            self._skip(path, unsupported_reason(path))
        else:
            self.files.add(path.resolve())

    def _skip(self, path: Path, reason: str, status: FileStatus = FileStatus.SKIPPED) -> None:
        self.skipped.setdefault(str(path), FileOutcome(str(path), status, reason))


def _is_hidden(entry: os.DirEntry[str]) -> bool:
    name = entry.name
    if name.startswith((".", "~$")) or name.lower() in _SYSTEM_NAMES:
        return True  # "~$" marks the lock files Office keeps beside an open document
    if os.name != "nt":
        return False
    # Windows marks hidden and system files with attributes rather than names
    # (the stat is free there: scandir already fetched it).
    attributes: int = getattr(entry.stat(follow_symlinks=False), "st_file_attributes", 0)
    return bool(attributes & _HIDDEN_ATTRIBUTES)
