"""Page text from PDFium, tidied, with a map back to PDFium's own characters.

PDFium (through pypdfium2) keeps the spaces of justified text that other
readers lose (`ComoencualquierotroSistema…`), follows the reading order of
the content and marks a word hyphenated at a line end with U+FFFE, so the
halves join again here. Tidying (CR LF to LF, ligatures unfolded, trailing
spaces and runs of blank lines dropped) changes offsets, so every character
of the tidied text remembers the index of the PDFium character it came from:
a passage's `[start, end)` then maps to character boxes on the page, which is
how the source viewer lights the exact passage.

Running headers and footers ("Manual de Debian Edu … 14 / 98") are kept. Dropping
the lines that repeat at the top or bottom of most pages was measured: on the
real manuals of bench/realdocs.py it found the same pages, and on the generated
corpus it lost 4 points of page recall@5 (0.959 → 0.918), because a header often
names the document, which is what tells one manual's passage from another's.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

LINE_END_HYPHEN = "\ufffe"  # PDFium's mark for a word broken across lines with "-"
_LIGATURES = frozenset(chr(code) for code in range(0xFB00, 0xFB07))  # ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ


@dataclass(frozen=True)
class PageText:
    """A page's tidied text; `chars[i]` is the PDFium character index of `text[i]`."""

    text: str
    chars: tuple[int, ...]

    def char_range(self, start: int, end: int) -> tuple[int, int] | None:
        """The PDFium characters `[first, last]` under `text[start:end]`, or None if empty."""
        start, end = max(start, 0), min(end, len(self.chars))
        if start >= end:
            return None
        return self.chars[start], self.chars[end - 1]


def raw_page_text(textpage: Any) -> tuple[str, list[int]]:
    """PDFium's text of a page, one entry per PDFium character."""
    count = int(textpage.count_chars())
    if count <= 0:
        return "", []
    text = str(textpage.get_text_range(0, count))
    if len(text) == count:
        return text, list(range(count))
    # Characters outside the Basic Multilingual Plane come as two UTF-16 units:
    # read them one by one so that the map stays exact.
    import pypdfium2.raw as pdfium_c

    chars = [chr(pdfium_c.FPDFText_GetUnicode(textpage, i) or 0xFFFD) for i in range(count)]
    return "".join(chars), list(range(count))


def tidy(text: str, chars: Sequence[int]) -> PageText:
    """Normalise PDFium's text, keeping the character map in step."""
    out: list[str] = []
    where: list[int] = []
    for char, index in zip(text, chars, strict=True):
        if char == LINE_END_HYPHEN or char == "\r":
            continue
        if char in _LIGATURES:
            for part in unicodedata.normalize("NFKC", char):
                out.append(part)
                where.append(index)
            continue
        if char == "\xa0":
            char = " "
        elif char < " " and char not in "\n\t":
            continue
        out.append(char)
        where.append(index)
    return _drop_blank_runs(out, where)


def _drop_blank_runs(out: list[str], where: list[int]) -> PageText:
    """Trailing spaces of each line, runs of more than one blank line and edge blanks go."""
    lines = _split_lines(out, where)
    kept: list[tuple[str, list[int]]] = []
    blank = 0
    for line, indexes in lines:
        while line and line[-1] in " \t":
            line, indexes = line[:-1], indexes[:-1]
        if not line.strip():
            blank += 1
            if blank > 1 or not kept:
                continue
            line, indexes = "", []
        else:
            blank = 0
        kept.append((line, indexes))
    while kept and not kept[-1][0]:
        kept.pop()
    return _join_lines(kept)


def _split_lines(out: list[str], where: list[int]) -> list[tuple[str, list[int]]]:
    lines: list[tuple[str, list[int]]] = []
    line: list[str] = []
    indexes: list[int] = []
    for char, index in zip(out, where, strict=True):
        if char == "\n":
            lines.append(("".join(line), indexes))
            line, indexes = [], []
        else:
            line.append(char)
            indexes.append(index)
    lines.append(("".join(line), indexes))
    return lines


def _join_lines(lines: Sequence[tuple[str, Sequence[int]]]) -> PageText:
    text: list[str] = []
    chars: list[int] = []
    for number, (line, indexes) in enumerate(lines):
        if number:
            text.append("\n")
            chars.append(chars[-1] if chars else 0)  # a line break sits after the line's end
        text.append(line)
        chars.extend(indexes)
    return PageText("".join(text), tuple(chars))
