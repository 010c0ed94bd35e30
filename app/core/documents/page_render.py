"""A PDF page as pixels, drawn in a sandboxed child: what the source viewer shows.

A PDF is untrusted input, and drawing a page runs all of PDFium's parsers on
it (content streams, fonts, images, filters). So the app's own process never
opens the file: `render_page_isolated` spawns a child under the readers'
limits (`ExtractionLimits`: time, address space, no network, like
`sandbox` and `highlight`), which opens the file with pypdfium2, draws the
page and finds the passage's lines on it (`highlight.page_rects`), and sends
back plain data only: a JSON header of bounded size (numbers and a short
message), then exactly `stride * height` bytes of RGBX pixels. Nothing is
unpickled, and the parent checks every number before it trusts it.

A page is drawn as wide as the viewer asks, but never larger than
`MAX_PIXELS`: see there. A file that hangs, exhausts memory or kills the
child fails with a `PageNotShown` whose `reason` says which, so a front end
can say it in the user's language.
"""

from __future__ import annotations

import contextlib
import enum
import json
import math
import os
import signal
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from app.core import privacy
from app.core.cancel import CancelToken
from app.core.documents.highlight import MAX_RECTS, Rect, page_rects, start_child, stop_child
from app.core.documents.limits import (
    BrokenDocument,
    ExtractionLimits,
    UnreadableDocument,
    human_size,
)
from app.core.documents.sandbox import limit_memory
from app.core.errors import ConfidenteError

# 12 megapixels: an A4 or Letter page fitted to the width of a full-screen viewer on a
# 2880-pixel-wide HiDPI screen (2880 x 4073 = 11.7 MP) is drawn at full sharpness; only
# a larger view is scaled up from it. Its 48 MB of RGBX is a small part of the reader's
# 1.5 GB, crosses the pipe in tens of milliseconds, and a QImage that size is painted
# without trouble. The old viewer's bound (8000 px a side, 256 MB) let one hostile page
# size ask for five times as much in the app's own process.
MAX_PIXELS = 12_000_000
MAX_SIDE_PX = 16_384  # a page 1 pt wide and 10,000 pt long stays a drawable image
BYTES_PER_PIXEL = 4  # RGBX8888: red, green, blue, padding
_START_SECONDS = 30.0  # a fresh interpreter on a slow, busy laptop
_GRACE_SECONDS = 1.0
_SLICE_SECONDS = 0.1  # how often a wait looks at the cancel token
_MAX_HEADER_BYTES = MAX_RECTS * 4 * 32 + 4096
_MAX_STRIDE_PADDING = 64
_READY = b"ready"


class Reason(enum.StrEnum):
    """Why a page could not be shown, for a front end to word in the user's language."""

    GONE = "gone"  # the file is not there any more
    UNREADABLE = "unreadable"  # the OS refused to read it
    TOO_LARGE = "too_large"  # larger than the readers accept
    DAMAGED = "damaged"  # not a PDF PDFium can open
    PASSWORD = "password"  # protected by a password
    SECURITY = "security"  # protected by a scheme PDFium does not support
    NO_PAGE = "no_page"  # fewer pages than the cited one
    NO_SIZE = "no_size"  # a page without an area to draw
    TIMEOUT = "timeout"  # took longer than the time limit
    MEMORY = "memory"  # needed more than the memory limit (or PDFium aborted)
    CRASHED = "crashed"  # the child died
    ERROR = "error"  # anything else the child reported


class PageNotShown(BrokenDocument):
    """The page could not be drawn. `reason` says why; `pages` is the document's page
    count when it is known (for `Reason.NO_PAGE`)."""

    def __init__(
        self, reason: Reason, message: str, *, pages: int = 0, detail: str | None = None
    ) -> None:
        super().__init__(message, detail=detail)
        self.reason = reason
        self.pages = pages


class LockedPdf(UnreadableDocument):
    """The PDF is protected (`Reason.PASSWORD` or `Reason.SECURITY`)."""

    def __init__(self, reason: Reason, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class RenderedPage:
    """One page drawn: RGBX8888 pixels, rows `stride` bytes apart, and the passage on it."""

    page: int  # 1-based
    pages: int  # the document's page count
    width: int
    height: int
    stride: int
    pixels: bytes
    points: tuple[float, float]  # the page's displayed size in PDF points
    rects: tuple[Rect, ...]  # the passage's lines, in points from the top-left (highlight.Rect)
    highlight_error: str = ""  # why the passage could not be looked for, if it could not

    @property
    def image_rects(self) -> list[Rect]:
        """`rects` in the image's pixels."""
        sx, sy = self.width / self.points[0], self.height / self.points[1]
        return [
            (left * sx, top * sy, right * sx, bottom * sy)
            for left, top, right, bottom in self.rects
        ]


def pixel_size(points: tuple[float, float], width_px: int) -> tuple[int, int]:
    """The image size for a page of `points` drawn `width_px` wide, within the bounds."""
    width_pt, height_pt = points
    scale = max(1, width_px) / width_pt
    scale = min(scale, MAX_SIDE_PX / width_pt, MAX_SIDE_PX / height_pt)
    if width_pt * height_pt * scale * scale > MAX_PIXELS:
        scale = math.sqrt(MAX_PIXELS / (width_pt * height_pt))
    width = max(1, min(MAX_SIDE_PX, round(width_pt * scale)))
    height = max(1, min(MAX_SIDE_PX, round(height_pt * scale)))
    while width * height > MAX_PIXELS:  # rounding to at least one pixel on a thin page
        if width >= height:
            width -= 1
        else:
            height -= 1
    return width, height


def render_page(
    path: Path, page: int, width_px: int, passage: str = "", near: int | None = None
) -> RenderedPage:
    """Draw page `page` (1-based) `width_px` wide, and find `passage` on it (if given).

    Runs PDFium in this process: for an untrusted file, call `render_page_isolated`.
    """
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        document = pdfium.PdfDocument(str(path))
    except FileNotFoundError as error:
        raise PageNotShown(Reason.GONE, "The file is no longer there.") from error
    except pdfium.PdfiumError as error:
        if error.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            raise LockedPdf(Reason.PASSWORD, "This PDF is protected by a password.") from error
        if error.err_code == pdfium_c.FPDF_ERR_SECURITY:
            raise LockedPdf(
                Reason.SECURITY, "This PDF is protected in a way that cannot be opened here."
            ) from error
        raise PageNotShown(Reason.DAMAGED, "This file cannot be opened as a PDF.") from error
    try:
        pages = len(document)
        if not 1 <= page <= pages:
            raise PageNotShown(Reason.NO_PAGE, f"The document has no page {page}.", pages=pages)
        pdf_page = document[page - 1]
        try:
            points = pdf_page.get_size()
            if not all(math.isfinite(side) and side > 0 for side in points):
                raise PageNotShown(Reason.NO_SIZE, "This page has no size to draw.", pages=pages)
            width, height = pixel_size(points, width_px)
            # Exactly this size (pypdfium2's `render` rounds each side up from a scale).
            bitmap = pdfium.PdfBitmap.new_native(
                width, height, pdfium_c.FPDFBitmap_BGRx, rev_byteorder=True
            )
            bitmap.fill_rect((255, 255, 255, 255), 0, 0, width, height)
            flags = pdfium_c.FPDF_ANNOT | pdfium_c.FPDF_REVERSE_BYTE_ORDER
            pdfium_c.FPDF_RenderPageBitmap(bitmap.raw, pdf_page.raw, 0, 0, width, height, 0, flags)
            pixels = bytes(bitmap.buffer)[: bitmap.stride * height]
            rects: list[Rect] = []
            highlight_error = ""
            if passage:
                try:
                    rects = page_rects(pdf_page, passage, near)
                except Exception as error:  # the page is drawn: the highlight alone is lost
                    highlight_error = f"{type(error).__name__}: {str(error)[:200]}"
            return RenderedPage(
                page=page,
                pages=pages,
                width=bitmap.width,
                height=bitmap.height,
                stride=bitmap.stride,
                pixels=pixels,
                points=(float(points[0]), float(points[1])),
                rects=tuple(rects[:MAX_RECTS]),
                highlight_error=highlight_error,
            )
        finally:
            pdf_page.close()
    finally:
        document.close()


# --- in a child process -----------------------------------------------------------------


def render_page_isolated(
    path: Path,
    page: int,
    width_px: int,
    passage: str = "",
    near: int | None = None,
    limits: ExtractionLimits | None = None,
    cancel: CancelToken | None = None,
) -> RenderedPage:
    """`render_page` in a spawned child, within the readers' size, time and memory limits.

    Raises `PageNotShown` or `LockedPdf` (both `ConfidenteError`s with a message fit
    for the user), or `ConfidenteError("Cancelled.")` when `cancel` is set meanwhile.
    """
    limits = limits or ExtractionLimits()
    _check_file(path, limits)
    if cancel is not None and cancel.cancelled:
        raise ConfidenteError("Cancelled.")
    try:
        conn, process = start_child(
            _serve,
            (os.fsencode(path), page, width_px, passage, near, limits.memory_bytes),
            "confidente-page",
        )
    except OSError as error:
        raise PageNotShown(
            Reason.ERROR, "The document reader could not start.", detail=str(error)
        ) from error
    try:
        # Starting an interpreter is not the file's time: the limit runs from the child's "ready".
        try:
            ready = _receive(conn, process, time.monotonic() + _START_SECONDS, 16, limits, cancel)
        except PageNotShown as error:
            if error.reason is not Reason.TIMEOUT:
                raise
            raise PageNotShown(
                Reason.ERROR, "The document reader did not start in time."
            ) from error
        if ready != _READY:
            raise _not_ours()
        deadline = time.monotonic() + limits.seconds
        header = _receive(conn, process, deadline, _MAX_HEADER_BYTES, limits, cancel)
        width, height, stride = _image_size(header, limits)
        pixels = _receive(conn, process, deadline, stride * height, limits, cancel)
        if len(pixels) != stride * height:
            raise _not_ours()
        drawn = _page(header, page, width, height, stride, pixels)
    except BaseException:
        conn.close()
        stop_child(process, kill=True)  # stuck, cancelled or not ours: no grace
        raise
    conn.close()
    stop_child(process)  # it has said all it had to, and exits
    return drawn


def _check_file(path: Path, limits: ExtractionLimits) -> None:
    """What the parent may know without parsing: the file is there, and not too large."""
    try:
        size = path.stat().st_size
    except FileNotFoundError as error:
        raise PageNotShown(Reason.GONE, "The file is no longer there.") from error
    except OSError as error:
        raise PageNotShown(
            Reason.UNREADABLE,
            f"The file cannot be read ({error.strerror}).",
            detail=error.strerror,
        ) from error
    if size > limits.max_file_bytes:
        raise PageNotShown(
            Reason.TOO_LARGE,
            f"This PDF is larger than the {human_size(limits.max_file_bytes)} limit.",
        )


def _receive(
    conn: Connection,
    process: Any,
    deadline: float,
    max_bytes: int,
    limits: ExtractionLimits,
    cancel: CancelToken | None,
) -> bytes:
    while True:
        if cancel is not None and cancel.cancelled:
            raise ConfidenteError("Cancelled.")
        left = deadline - time.monotonic()
        if left <= 0:
            raise PageNotShown(
                Reason.TIMEOUT, f"Took longer than {limits.seconds:g} s to draw; stopped."
            )
        try:
            if conn.poll(min(_SLICE_SECONDS, left)):
                return conn.recv_bytes(max_bytes)
        except (EOFError, OSError) as error:  # dead child, or a reply beyond any honest size
            process.join(_GRACE_SECONDS)
            if process.exitcode == -signal.SIGABRT:
                # PDFium ends the process with abort() when an allocation fails.
                raise _out_of_memory(limits) from error
            raise PageNotShown(Reason.CRASHED, "The reader crashed on this file.") from error


def _out_of_memory(limits: ExtractionLimits) -> PageNotShown:
    return PageNotShown(
        Reason.MEMORY,
        "The reader gave up on this file: it needs more than the "
        f"{human_size(limits.memory_bytes)} of memory allowed for one file, or it is damaged.",
    )


def _not_ours() -> PageNotShown:
    return PageNotShown(Reason.CRASHED, "The reader crashed on this file.")


def _image_size(raw: bytes, limits: ExtractionLimits) -> tuple[int, int, int]:
    """The child's header, checked as far as the pixels that follow it: or its failure."""
    try:
        header = json.loads(raw)
        status = header["status"]
        if status != "ok":
            _raise_failure(header, limits)
        width, height, stride = (int(header[key]) for key in ("width", "height", "stride"))
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise _not_ours() from error
    if not (
        1 <= width <= MAX_SIDE_PX
        and 1 <= height <= MAX_SIDE_PX
        and width * height <= MAX_PIXELS
        and width * BYTES_PER_PIXEL <= stride <= width * BYTES_PER_PIXEL + _MAX_STRIDE_PADDING
    ):
        raise _not_ours()
    return width, height, stride


def _raise_failure(header: dict[str, Any], limits: ExtractionLimits) -> None:
    reason = Reason(str(header["reason"]))
    message = str(header.get("message", ""))[:300]
    if reason in (Reason.PASSWORD, Reason.SECURITY):
        raise LockedPdf(reason, message)
    if reason is Reason.MEMORY:
        raise _out_of_memory(limits)
    raise PageNotShown(reason, message, pages=max(0, int(header.get("pages", 0))))


def _page(
    raw: bytes, page: int, width: int, height: int, stride: int, pixels: bytes
) -> RenderedPage:
    try:
        header = json.loads(raw)
        pages = int(header["pages"])
        points = (float(header["points"][0]), float(header["points"][1]))
        rects_in = header["rects"]
        if not isinstance(rects_in, list) or len(rects_in) > MAX_RECTS:
            raise _not_ours()
        rects: list[Rect] = []
        for rect in rects_in:
            values = [float(value) for value in rect]
            if len(values) != 4 or not all(math.isfinite(value) for value in values):
                raise _not_ours()
            rects.append((values[0], values[1], values[2], values[3]))
        highlight_error = str(header.get("highlight_error", ""))[:300]
    except (ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
        raise _not_ours() from error
    if pages < page or not all(math.isfinite(side) and side > 0 for side in points):
        raise _not_ours()
    return RenderedPage(
        page, pages, width, height, stride, pixels, points, tuple(rects), highlight_error
    )


def _serve(
    conn: Connection,
    path: bytes,
    page: int,
    width_px: int,
    passage: str,
    near: int | None,
    memory: int,
) -> None:
    """The child: one page, one reply (a header, then its pixels), then exit."""
    privacy.enter_child(without_network=True)  # first: a hostile PDF reaches nothing
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C in a terminal is the parent's
    with contextlib.suppress(OSError):  # no terminal input, nothing on the CLI's stdout
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)
        os.dup2(devnull, 1)
        os.close(devnull)
    import pypdfium2  # noqa: F401  # loaded before the limit: it is for the file, not the library

    limit_memory(memory)
    with contextlib.suppress(OSError):
        conn.send_bytes(_READY)
    pixels: bytes | None = None
    try:
        rendered = render_page(Path(os.fsdecode(path)), page, width_px, passage, near)
        pixels = rendered.pixels
        header: dict[str, object] = {
            "status": "ok",
            "pages": rendered.pages,
            "width": rendered.width,
            "height": rendered.height,
            "stride": rendered.stride,
            "points": list(rendered.points),
            "rects": [list(rect) for rect in rendered.rects],
            "highlight_error": rendered.highlight_error,
        }
        del rendered
    except (PageNotShown, LockedPdf) as error:
        pages = error.pages if isinstance(error, PageNotShown) else 0
        header = {"status": "failed", "reason": error.reason, "message": error.message}
        header["pages"] = pages
    except MemoryError:
        header = {"status": "failed", "reason": Reason.MEMORY}
    except Exception as error:  # a PDFium or binding failure on a hostile file
        message = f"Could not draw this page: {type(error).__name__}: {str(error)[:160]}"
        header = {"status": "failed", "reason": Reason.ERROR, "message": message}
    with contextlib.suppress(OSError, MemoryError):
        conn.send_bytes(json.dumps(header).encode())
        if pixels is not None:
            conn.send_bytes(pixels)
    conn.close()
