"""A document's pages for a task: which pages, and parts that fit the model's context."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.core.documents.records import Extracted, Page, Source
from app.core.errors import ConfidenteError

_RANGE = re.compile(r"^\s*(\d+)\s*(?:[-–]\s*(\d+)\s*)?$")


class TaskError(ConfidenteError):
    """A task cannot run as asked (a page range outside the document, an empty file...)."""


@dataclass(frozen=True)
class PageRange:
    first: int
    last: int


def parse_page_range(text: str) -> PageRange:
    """ "3-7" or "4" (1-based, inclusive); TaskError for anything else."""
    match = _RANGE.match(text)
    if not match:
        raise TaskError(f"“{text}” is not a page range: write it as 3-7, or 4 for one page.")
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if first < 1 or last < first:
        raise TaskError(f"“{text}” is not a page range: pages count from 1, first to last.")
    return PageRange(first, last)


@dataclass(frozen=True)
class Document:
    """A document's text as a task sees it: its pages (all, or those asked for)."""

    path: Path
    kind: str  # as the reader says: "pdf", "text", "docx"...
    pages: tuple[Page, ...]

    def source(self, n: int, page: Page) -> Source:
        """Page `page` as the [n]th source of a result (the whole page is the passage)."""
        return Source(n, str(self.path), page.number, page.text, 1.0, 0, len(page.text), self.kind)


def select_pages(path: Path, extracted: Extracted, wanted: PageRange | None) -> Document:
    """The pages of `extracted` in `wanted` (all when None), without blank ones."""
    pages = [p for p in extracted.pages if p.text.strip()]
    if wanted is not None:
        numbered = [p for p in pages if p.number is not None]
        if not numbered:
            raise TaskError(f"{path.name} has no pages; leave out --pages.")
        last = max(p.number or 0 for p in extracted.pages)
        if wanted.first > last:
            raise TaskError(f"{path.name} has {last} pages; there is no page {wanted.first}.")
        pages = [p for p in numbered if wanted.first <= (p.number or 0) <= wanted.last]
    if not pages:
        raise TaskError(f"{path.name} has no text to work on.")
    return Document(path, extracted.kind, tuple(pages))


@dataclass(frozen=True)
class Part:
    """Consecutive pieces of pages that fit one prompt, each with its page number."""

    pieces: tuple[Page, ...]

    @property
    def page_numbers(self) -> tuple[int | None, ...]:
        return tuple(dict.fromkeys(p.number for p in self.pieces))


def split_into_parts(
    pages: Sequence[Page], count_tokens: Callable[[str], int], budget: int
) -> list[Part]:
    """Group pages into parts of at most `budget` tokens each (by `count_tokens`), in
    order; a page longer than that is cut at paragraph, then line, then word bounds.
    Every character of every page is in exactly one part."""
    if budget < 16:
        raise TaskError("The model's context is too small for this task.")
    parts: list[Part] = []
    current: list[Page] = []
    used = 0
    for page in pages:
        for piece in _pieces(page, count_tokens, budget):
            size = count_tokens(piece.text)
            if current and used + size > budget:
                parts.append(Part(tuple(current)))
                current, used = [], 0
            current.append(piece)
            used += size
    if current:
        parts.append(Part(tuple(current)))
    return parts


def _pieces(page: Page, count_tokens: Callable[[str], int], budget: int) -> list[Page]:
    if count_tokens(page.text) <= budget:
        return [page]
    pieces: list[Page] = []
    for separator in ("\n\n", "\n", " "):
        chunks = page.text.split(separator)
        if len(chunks) > 1:
            break
    else:  # one unbroken run: cut by characters
        step = max(1, len(page.text) * budget // max(1, count_tokens(page.text)))
        return [Page(page.number, page.text[i : i + step]) for i in range(0, len(page.text), step)]
    text = ""
    for chunk in chunks:
        candidate = f"{text}{separator}{chunk}" if text else chunk
        if text and count_tokens(candidate) > budget:
            pieces.extend(_pieces(Page(page.number, text), count_tokens, budget))
            text = chunk
        else:
            text = candidate
    if text:
        pieces.extend(_pieces(Page(page.number, text), count_tokens, budget))
    return pieces
