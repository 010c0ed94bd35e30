"""Where a cited passage lies on its PDF page: one rectangle per line of it.

The source viewer lights the whole passage (or a quote of it), not the few
words a text search would find. The page's text is built exactly as the
index built it (`pdf_text.tidy` over PDFium's characters), so the passage is
found in it, and each of its characters maps back to a PDFium character whose
box is on the page. Those boxes are merged into one rectangle per line.

The stored passage may differ from the page's text as read now: a file
re-saved since it was indexed may space things differently. So the passage is found with
whitespace ignored; failing that, its longest opening run of words, then the
runs that follow closely after it.

A PDF is untrusted input. `passage_rects_isolated` computes the rectangles
in a spawned child process, under a memory and a time limit, and reads back
only a bounded JSON list of numbers (never a pickle): a file that crashes,
hangs or exhausts PDFium there costs the viewer its highlight, nothing more.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import math
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from app.core import privacy
from app.core.cancel import CancelToken
from app.core.documents.limits import ExtractionLimits
from app.core.documents.sandbox import limit_memory

# (left, top, right, bottom) in PDF points, from the top-left corner of the page as it
# is displayed (its /Rotate and crop box applied): what a renderer of the page draws.
Rect = tuple[float, float, float, float]
_Box = tuple[float, float, float, float]  # (left, bottom, right, top) in PDF page space

MIN_RUN_WORDS = 3  # a shorter run of a passage's words may well be somewhere else on the page
RUN_GAP_CHARS = 80  # how far past the previous run the next one may start (beyond skipped words)
MAX_RECTS = 2_000  # a page of passage lines is a few dozen; a reply beyond this is not ours
_DEVICE_SCALE = 64  # PDFium maps to integer pixels: this many per point keeps the precision
_START_SECONDS = 30.0  # a fresh interpreter on a slow, busy laptop
_GRACE_SECONDS = 1.0
_MAX_REPLY_BYTES = MAX_RECTS * 4 * 32 + 1024


class HighlightError(Exception):
    """The rectangles could not be had (the file, the page or the reader failed)."""


# --- finding the passage in the page's text ------------------------------------------


def _squeezed(text: str) -> tuple[str, list[int]]:
    """`text` with each run of whitespace as one space, none at the ends; and, for each
    character kept, its index in `text`."""
    out: list[str] = []
    where: list[int] = []
    pending_space = False
    for index, char in enumerate(text):
        if char.isspace():
            pending_space = bool(out)
            continue
        if pending_space:
            out.append(" ")
            where.append(index - 1)
            pending_space = False
        out.append(char)
        where.append(index)
    return "".join(out), where


def _longest_run(page: str, words: Sequence[str], first: int, start: int, stop: int) -> int:
    """The most words from `words[first]` on that `page[start:stop]` contains, joined by spaces.

    A run found means all its shorter beginnings are found too: a binary search.
    """
    low, high = 0, len(words) - first
    while low < high:
        middle = (low + high + 1) // 2
        if page.find(" ".join(words[first : first + middle]), start, stop) >= 0:
            low = middle
        else:
            high = middle - 1
    return low


def find_passage(page_text: str, passage: str, near: int | None = None) -> tuple[int, int] | None:
    """`[start, end)` of the passage in `page_text`, whitespace ignored, or None.

    An exact match (the occurrence nearest `near`, a character offset, when there
    are several) wins. Otherwise the passage's longest opening run of words that
    the page has (at least `MIN_RUN_WORDS`, else a run from a later word), extended
    by the runs that follow it closely: the passage with a line or a word the page
    spells differently is still lit from its first word to its last.
    """
    page, where = _squeezed(page_text)
    words = passage.split()
    if not page or not words:
        return None
    whole = " ".join(words)
    hits: list[int] = []
    found = page.find(whole)
    while found >= 0 and len(hits) < 50:
        hits.append(found)
        found = page.find(whole, found + 1)
    if hits:
        best = min(hits, key=lambda hit: abs(where[hit] - near)) if near is not None else hits[0]
        return where[best], where[best + len(whole) - 1] + 1
    return _find_runs(page, where, words)


def _find_runs(page: str, where: list[int], words: Sequence[str]) -> tuple[int, int] | None:
    shortest = min(MIN_RUN_WORDS, len(words))
    first = 0
    while first < len(words):
        length = _longest_run(page, words, first, 0, len(page))
        if length >= shortest:
            break
        first += 1
    else:
        return None
    run = " ".join(words[first : first + length])
    start = page.find(run)
    end = start + len(run)
    next_word, skipped = first + length, 0
    while next_word < len(words):
        stop = end + 1 + skipped + RUN_GAP_CHARS
        length = _longest_run(page, words, next_word, end, stop)
        if length >= min(shortest, len(words) - next_word):
            run = " ".join(words[next_word : next_word + length])
            end = page.find(run, end, stop) + len(run)
            next_word, skipped = next_word + length, 0
        else:
            skipped += len(words[next_word]) + 1
            next_word += 1
    return where[start], where[end - 1] + 1


# --- from characters to rectangles ----------------------------------------------------


def _same_line(line: list[float], box: _Box) -> bool:
    """Whether a character box (left, bottom, right, top) continues `line` (the same)."""
    left, bottom, _right, top = box
    overlap = min(line[3], top) - max(line[1], bottom)
    height = min(line[3] - line[1], top - bottom)
    if overlap < 0.5 * height:
        return False
    # A big jump sideways on the same baseline is another column or table cell.
    return line[0] - 2 * height <= left <= line[2] + 3 * height


def _merged_lines(boxes: Sequence[_Box]) -> list[list[float]]:
    lines: list[list[float]] = []
    for box in boxes:
        if lines and _same_line(lines[-1], box):
            line = lines[-1]
            line[0], line[1] = min(line[0], box[0]), min(line[1], box[1])
            line[2], line[3] = max(line[2], box[2]), max(line[3], box[3])
        else:
            lines.append(list(box))
    return lines


def _char_boxes(textpage: Any, raw: str, first: int, last: int) -> list[_Box]:
    """Loose boxes (the font's full height, like a text selection) of the visible
    characters `first..last`, in PDF page space (left, bottom, right, top)."""
    import pypdfium2.raw as pdfium_c

    boxes: list[_Box] = []
    rect = pdfium_c.FS_RECTF()
    for index in range(first, last + 1):
        if index < len(raw) and (raw[index].isspace() or raw[index] < " "):
            continue
        if not pdfium_c.FPDFText_GetLooseCharBox(textpage.raw, index, ctypes.byref(rect)):
            continue
        left, right = sorted((rect.left, rect.right))
        bottom, top = sorted((rect.bottom, rect.top))
        if right - left > 0 and top - bottom > 0:
            boxes.append((left, bottom, right, top))
    return boxes


def _to_display(page: Any, lines: Sequence[Sequence[float]]) -> list[Rect]:
    """Rectangles in PDF page space as points from the top-left of the displayed page."""
    import pypdfium2.raw as pdfium_c

    width, height = page.get_size()
    size_x, size_y = round(width * _DEVICE_SCALE), round(height * _DEVICE_SCALE)
    x, y = ctypes.c_int(), ctypes.c_int()

    def device(page_x: float, page_y: float) -> tuple[float, float]:
        pdfium_c.FPDF_PageToDevice(
            page.raw, 0, 0, size_x, size_y, 0, page_x, page_y, ctypes.byref(x), ctypes.byref(y)
        )
        return x.value / _DEVICE_SCALE, y.value / _DEVICE_SCALE

    rects: list[Rect] = []
    for left, bottom, right, top in lines:
        (x0, y0), (x1, y1) = device(left, top), device(right, bottom)
        rects.append((min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))
    return rects


def passage_rects(path: Path, page: int, passage: str, near: int | None = None) -> list[Rect]:
    """The passage's lines on page `page` (1-based) of the PDF at `path`, in reading order.

    Empty when the passage is not on the page. Raises `HighlightError` when the
    file cannot be opened or has no such page. Runs PDFium in this process: for
    an untrusted file, call `passage_rects_isolated`.
    """
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except (pdfium.PdfiumError, OSError) as error:
        raise HighlightError(str(error)) from error
    try:
        if not 1 <= page <= len(document):
            raise HighlightError(f"The document has no page {page}.")
        pdf_page = document[page - 1]
        try:
            return page_rects(pdf_page, passage, near)
        finally:
            pdf_page.close()
    finally:
        document.close()


def page_rects(pdf_page: Any, passage: str, near: int | None = None) -> list[Rect]:
    """The passage's lines on an open pypdfium2 page (see `passage_rects`)."""
    from app.core.documents import pdf_text

    textpage = pdf_page.get_textpage()
    try:
        raw, chars = pdf_text.raw_page_text(textpage)
        text = pdf_text.tidy(raw, chars)
        span = find_passage(text.text, passage, near)
        mapped = text.char_range(*span) if span is not None else None
        if mapped is None:
            return []
        lines = _merged_lines(_char_boxes(textpage, raw, *mapped))
        return _to_display(pdf_page, lines)
    finally:
        textpage.close()


# --- in a child process -----------------------------------------------------------------


def passage_rects_isolated(
    path: Path,
    page: int,
    passage: str,
    near: int | None = None,
    limits: ExtractionLimits | None = None,
    cancel: CancelToken | None = None,
) -> list[Rect]:
    """`passage_rects` in a spawned child, within the readers' time and memory limits."""
    limits = limits or ExtractionLimits()
    try:
        conn, process = start_child(
            _serve,
            (os.fsencode(path), page, passage, near, limits.memory_bytes),
            "confidente-highlight",
        )
    except OSError as error:
        raise HighlightError(f"The reader could not start: {error}") from error
    try:
        return _parse_reply(_receive(conn, _START_SECONDS + limits.seconds, cancel))
    finally:
        conn.close()
        stop_child(process)


def _receive(conn: Connection, seconds: float, cancel: CancelToken | None) -> bytes:
    deadline = time.monotonic() + seconds
    while True:
        if cancel is not None and cancel.cancelled:
            raise HighlightError("Cancelled.")
        left = deadline - time.monotonic()
        if left <= 0:
            raise HighlightError(f"Took longer than {seconds:g} s.")
        try:
            if conn.poll(min(0.1, left)):
                return conn.recv_bytes(_MAX_REPLY_BYTES)
        except (EOFError, OSError) as error:
            raise HighlightError("The reader crashed on this file.") from error


def _parse_reply(raw: bytes) -> list[Rect]:
    """The child's JSON, checked: a bounded list of four finite numbers each."""
    try:
        reply = json.loads(raw)
        if "error" in reply:
            raise HighlightError(str(reply["error"])[:300])
        rects = reply["rects"]
        if not isinstance(rects, list) or len(rects) > MAX_RECTS:
            raise HighlightError("The reader's reply is not a list of rectangles.")
        checked: list[Rect] = []
        for rect in rects:
            values = [float(value) for value in rect]
            if len(values) != 4 or not all(math.isfinite(value) for value in values):
                raise HighlightError("The reader's reply is not a list of rectangles.")
            checked.append((values[0], values[1], values[2], values[3]))
        return checked
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise HighlightError("The reader's reply is not a list of rectangles.") from error


def start_child(
    target: Callable[..., None], args: tuple[Any, ...], name: str
) -> tuple[Connection, Any]:
    """Spawn a reading child that answers on a one-way pipe (its end passed first to
    `target`). Only the child holds that end afterwards, so its death reads as EOF here.
    OSError, with both ends closed, when it cannot start."""
    context = multiprocessing.get_context("spawn")
    conn, child_end = context.Pipe(duplex=False)
    process = context.Process(target=target, args=(child_end, *args), name=name, daemon=True)
    try:
        process.start()
    except OSError:
        conn.close()
        child_end.close()
        raise
    child_end.close()
    return conn, process


def stop_child(process: Any, *, kill: bool = False) -> None:
    """End a reading child: give it a second to exit unless `kill`, then kill it."""
    if not kill:
        process.join(_GRACE_SECONDS)
    if process.is_alive():
        process.kill()
        process.join(_GRACE_SECONDS)
    if not process.is_alive():
        process.close()


def _serve(
    conn: Connection, path: bytes, page: int, passage: str, near: int | None, memory: int
) -> None:
    """The child: one file, one reply, then exit."""
    privacy.enter_child(without_network=True)  # first: a hostile PDF reaches nothing
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C in a terminal is the parent's
    limit_memory(memory)
    try:
        rects = passage_rects(Path(os.fsdecode(path)), page, passage, near)
        reply: dict[str, object] = {"rects": [list(rect) for rect in rects]}
    except HighlightError as error:
        reply = {"error": str(error)}
    except Exception as error:  # a PDFium or binding failure on a hostile file
        reply = {"error": f"{type(error).__name__}: {str(error)[:200]}"}
    with contextlib.suppress(OSError):
        conn.send_bytes(json.dumps(reply).encode())
    conn.close()
