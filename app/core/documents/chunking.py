"""Cutting pages into passages that retrieve well and can be cited exactly.

A chunk never crosses a page, so a citation names one page. Inside a page,
chunks are packed from whole sentences up to `size` characters, and the next
chunk starts with the last sentences of the previous one (up to `overlap`
characters), so a fact that straddles a cut is still found whole. Every
chunk's text is exactly `page.text[start:end]`: the viewer highlights those
offsets. The default size and overlap were chosen by measuring page recall on
the test corpus (bench/chunking.py), not by guessing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from app.core.documents.records import Chunk, Page

# A sentence ends at . ! ? … (optionally followed by quotes or brackets) and
# whitespace, or at a line break; blank lines and list items are boundaries too.
_SENTENCE_END = re.compile(r"""[.!?…]+["')\]»”’]*\s+|\n\s*\n|\n(?=\s*(?:[-*•]|\d+[.)])\s)|\n""")
_MIN_TAIL = 0.25  # a last chunk shorter than this share of `size` joins the previous one


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, without surrounding whitespace."""
    spans: list[tuple[int, int]] = []
    position = 0
    for match in _SENTENCE_END.finditer(text):
        _append_trimmed(spans, text, position, match.end())
        position = match.end()
    _append_trimmed(spans, text, position, len(text))
    return spans


def _append_trimmed(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append((start, end))


def _split_long(text: str, start: int, end: int, size: int) -> Iterator[tuple[int, int]]:
    """Cut a sentence longer than `size` at word boundaries."""
    while end - start > size:
        cut = text.rfind(" ", start + size // 2, start + size)
        if cut <= start:
            cut = start + size
        yield start, cut
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        yield start, end


def chunk_page(page: Page, size: int, overlap: int) -> list[Chunk]:
    text = page.text
    pieces: list[tuple[int, int]] = []
    for start, end in sentence_spans(text):
        pieces.extend(_split_long(text, start, end, size))
    chunks: list[tuple[int, int]] = []
    first = 0
    while first < len(pieces):
        last = first
        while last + 1 < len(pieces) and pieces[last + 1][1] - pieces[first][0] <= size:
            last += 1
        chunks.append((pieces[first][0], pieces[last][1]))
        if last + 1 >= len(pieces):
            break
        # Step back over whole sentences worth at most `overlap` characters.
        following = last + 1
        while following - 1 > first and pieces[last][1] - pieces[following - 1][0] <= overlap:
            following -= 1
        first = following
    if len(chunks) >= 2:
        (a_start, _), (b_start, b_end) = chunks[-2], chunks[-1]
        if b_end - b_start < size * _MIN_TAIL and b_end - a_start <= size * (1 + _MIN_TAIL):
            chunks[-2:] = [(a_start, b_end)]
    return [Chunk(page.number, start, end, text[start:end]) for start, end in chunks]


def chunk_pages(pages: Iterable[Page], size: int, overlap: int) -> list[Chunk]:
    if overlap * 2 > size:
        raise ValueError("overlap must be at most half of size")
    return [chunk for page in pages for chunk in chunk_page(page, size, overlap)]
