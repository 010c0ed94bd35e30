"""What reading one document may cost, and how it fails.

The limits, and the two failures every reader reports (a file Confidente cannot
read is skipped; a broken or hostile one fails). Shared by the parsers
(`extract`), the sandboxed reader that enforces time and memory (`sandbox`),
the index and the source viewer, without importing any parser.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.errors import ConfidenteError

KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB


class UnreadableDocument(ConfidenteError):
    """Not something Confidente can read (unsupported, encrypted, no text): the file is skipped."""


class BrokenDocument(ConfidenteError):
    """A document that should be readable but is malformed, too large or hostile: it failed."""


@dataclass(frozen=True)
class ExtractionLimits:
    """How much one file may cost to read. Generous for real documents, fatal to bombs."""

    max_file_bytes: int = 200 * MiB
    max_chars: int = 20_000_000  # extracted text, all pages together
    max_pages: int = 5000
    seconds: float = 60.0  # per file; enforced by the sandboxed reader
    memory_bytes: int = 3 * GiB // 2  # address space of the reader process; sandbox only
    max_zip_uncompressed: int = 300 * MiB  # DOCX parts unpacked, all together


def human_size(size: float) -> str:
    """`1.5 GB`, `200 MB`: sizes as the user reads them in messages."""
    for unit, scale in (("GB", GiB), ("MB", MiB), ("KB", KiB)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{int(size)} bytes"
