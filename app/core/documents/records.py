"""The plain data the document services pass around (no behaviour, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


@dataclass(frozen=True)
class Page:
    """Text of one physical page (1-based), or of a whole file that has no pages."""

    number: int | None
    text: str


@dataclass(frozen=True)
class Extracted:
    """What reading one file produced: its pages, in order."""

    kind: str  # "pdf", "text", "markdown", "html", "docx", "csv", "code"
    pages: tuple[Page, ...]


@dataclass(frozen=True)
class Chunk:
    """A passage of a page; `start`/`end` are character offsets into that page's text."""

    page: int | None
    start: int
    end: int
    text: str


class FileStatus(StrEnum):
    INDEXED = "indexed"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"  # not a document we read (image, binary, hidden, encrypted...)
    FAILED = "failed"  # a document we should have read, but it is broken or hostile
    REMOVED = "removed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class FileOutcome:
    path: str
    status: FileStatus
    reason: str = ""
    pages: int = 0
    chunks: int = 0


@dataclass(frozen=True)
class IngestProgress:
    """Sent while ingesting: where we are in this file and overall."""

    path: str
    file_index: int  # 0-based position of this file among those found
    files_total: int
    pages_done: int  # pages of all files read so far
    pages_per_second: float
    stage: str  # "reading", "embedding", "writing", or "done"
    outcome: FileOutcome | None = None  # set when stage == "done"
    passages_done: int = 0  # while embedding: passages of this file embedded so far
    passages_total: int = 0


@dataclass(frozen=True)
class IngestReport:
    library: str
    outcomes: tuple[FileOutcome, ...]
    pages: int
    chunks: int
    seconds: float

    def count(self, status: FileStatus) -> int:
        return sum(1 for o in self.outcomes if o.status is status)


@dataclass(frozen=True)
class IndexedFile:
    path: str
    status: str  # "indexed", "failed", "skipped", "pending"
    reason: str
    pages: int
    chunks: int
    size: int
    updated: float


@dataclass(frozen=True)
class Source:
    """One retrieved passage, numbered as it is cited in an answer ([n])."""

    n: int
    path: str
    page: int | None
    text: str
    score: float
    start: int  # character offsets of the passage in its page's text
    end: int
    kind: str = ""
    # The page's text right after the passage (from `end`), for a quote to carry on
    # into: the answer often starts where the passage was cut. Not part of the passage,
    # nor of what is stored with an answer, so two sources compare without it.
    following: str = field(default="", compare=False, repr=False)

    @classmethod
    def removed_marker(cls, n: int) -> Source:
        """What an answer keeps of a source whose document was removed: its number [n]
        alone, so the answer still reads; no text, file name or place in the file."""
        return cls(n=n, path="", page=None, text="", score=0.0, start=0, end=0)

    @property
    def removed(self) -> bool:
        """Whether its document was removed since the answer (see `removed_marker`)."""
        return not self.path

    def to_json(self) -> dict[str, object]:
        return {
            "n": self.n,
            "path": self.path,
            "page": self.page,
            "text": self.text,
            "score": round(self.score, 6),
        }


@dataclass(frozen=True)
class Quote:
    """A sentence of a source that answers the question, chosen without the model.

    `n` is the number of the source it comes from ([n]); `start`/`end` are
    character offsets into that source's page text, like `Source.start`/`end`.
    """

    n: int
    path: str
    page: int | None
    text: str
    start: int
    end: int
    score: float = 0.0

    def to_json(self) -> dict[str, object]:
        return {
            "n": self.n,
            "text": self.text,
            "page": self.page,
            "start": self.start,
            "end": self.end,
        }


def file_name(path: str) -> str:
    """The last part of a path written on any system (a stored path may be Windows')."""
    return path.replace("\\", "/").rsplit("/", 1)[-1] or path
