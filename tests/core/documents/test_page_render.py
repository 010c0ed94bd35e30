"""A PDF page drawn in a sandboxed child (`app.core.documents.page_render`): real pages
come back as pixels of the size asked (within the pixel cap) with the passage's lines
where its ink is; hostile files come back as a reason, within the readers' limits."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest
from fpdf import FPDF
from pypdf import PdfWriter

from app.core.cancel import CancelToken
from app.core.documents.highlight import Rect, passage_rects
from app.core.documents.limits import ExtractionLimits
from app.core.documents.page_render import (
    MAX_PIXELS,
    LockedPdf,
    PageNotShown,
    Reason,
    RenderedPage,
    pixel_size,
    render_page,
    render_page_isolated,
)
from app.core.errors import ConfidenteError
from tests.core.documents.test_highlight import BIRDS, REAL_PDFS, STORMS
from tests.core.documents.test_sandbox import flate_bomb_pdf

MiB = 1024 * 1024


@pytest.fixture(scope="module")
def harbour(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pdf = FPDF()
    for text in (STORMS, BIRDS * 2, STORMS):
        pdf.add_page()
        pdf.set_font("helvetica", size=12)
        pdf.multi_cell(0, 6, text)
    path = tmp_path_factory.mktemp("pdf") / "harbour.pdf"
    pdf.output(str(path))
    return path


@pytest.fixture(scope="module")
def slow_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A page whose content inflates to 300 MB: about a second of drawing, in the limits."""
    return flate_bomb_pdf(tmp_path_factory.mktemp("slow") / "slow.pdf", 300_000_000)


def pixel(page: RenderedPage, x: int, y: int) -> tuple[int, int, int]:
    at = y * page.stride + x * 4
    red, green, blue = page.pixels[at : at + 3]
    return red, green, blue


def dark_share(page: RenderedPage, rect: Rect) -> float:
    """The share of the pixels inside `rect` (image coordinates) that are ink, not paper."""
    left, top, right, bottom = (round(value) for value in rect)
    dark = total = 0
    for y in range(max(0, top), min(page.height, bottom)):
        for x in range(max(0, left), min(page.width, right), 2):
            total += 1
            dark += sum(pixel(page, x, y)) < 3 * 160
    return dark / total if total else 0.0


def test_a_page_comes_back_as_pixels_with_its_passage_lit_where_its_ink_is(
    harbour: Path,
) -> None:
    passage = BIRDS.strip()
    page = render_page_isolated(harbour, 2, 900, passage, near=0)
    assert (page.page, page.pages) == (2, 3)
    assert page.width == 900
    assert page.height == round(900 * page.points[1] / page.points[0])
    assert page.stride >= 4 * page.width
    assert len(page.pixels) == page.stride * page.height
    assert pixel(page, 2, 2) == (255, 255, 255)  # paper
    assert any(sum(pixel(page, x, y)) < 200 for y in range(60, 160) for x in range(60, 400))

    assert page.rects == tuple(passage_rects(harbour, 2, passage, near=0))  # highlight's own
    lines = page.image_rects
    assert len(lines) >= 3
    for left, top, right, bottom in lines:
        assert 0 <= left < right <= page.width
        assert 0 <= top < bottom <= page.height
    assert all(dark_share(page, line) > 0.05 for line in lines)
    assert dark_share(page, (0, 0, page.width, lines[0][1] - 2)) < 0.001  # paper above it
    assert dark_share(page, (0, page.height / 2, page.width, page.height)) < 0.001

    assert page == render_page(harbour, 2, 900, passage, near=0)  # as drawn in-process
    other = render_page_isolated(harbour, 3, 300)  # no passage asked: nothing lit
    assert (other.width, other.rects, other.highlight_error) == (300, (), "")


def test_a_page_is_never_drawn_beyond_the_pixel_cap() -> None:
    assert pixel_size((612.0, 792.0), 1200) == (1200, 1553)
    width, height = pixel_size((612.0, 792.0), 100_000)  # a huge view: the cap, not the view
    assert width * height <= MAX_PIXELS
    assert width * height > 0.99 * MAX_PIXELS
    assert abs(width / height - 612 / 792) < 0.001
    for points in ((1.0, 14_400.0), (14_400.0, 1.0), (1e9, 1e9), (0.01, 0.01)):
        width, height = pixel_size(points, 5000)
        assert 1 <= width <= 16_384
        assert 1 <= height <= 16_384
        assert width * height <= MAX_PIXELS


@pytest.mark.skipif(not REAL_PDFS, reason="no real PDFs in tests/data/pdf")
def test_a_real_pdf_page_is_drawn_with_ink_on_it() -> None:
    page = render_page_isolated(REAL_PDFS[0], 1, 1200)
    assert page.width == 1200
    assert page.pages >= 1
    inked = sum(
        sum(pixel(page, x, y)) < 3 * 160
        for y in range(0, page.height, 7)
        for x in range(0, page.width, 7)
    )
    assert inked > 50


def test_broken_locked_gone_and_short_files_say_why(harbour: Path, tmp_path: Path) -> None:
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    with pytest.raises(PageNotShown) as damaged:
        render_page_isolated(junk, 1, 400)
    assert damaged.value.reason is Reason.DAMAGED
    assert damaged.value.message == "This file cannot be opened as a PDF."

    locked = tmp_path / "locked.pdf"
    writer = PdfWriter(clone_from=str(harbour))
    writer.encrypt(user_password="secret")
    writer.write(locked)
    with pytest.raises(LockedPdf) as protected:
        render_page_isolated(locked, 1, 400)
    assert protected.value.reason is Reason.PASSWORD

    with pytest.raises(PageNotShown) as short:
        render_page_isolated(harbour, 9, 400)
    assert (short.value.reason, short.value.pages) == (Reason.NO_PAGE, 3)

    with pytest.raises(PageNotShown) as gone:
        render_page_isolated(tmp_path / "gone.pdf", 1, 400)
    assert gone.value.reason is Reason.GONE

    with pytest.raises(PageNotShown) as large:
        render_page_isolated(harbour, 1, 400, limits=ExtractionLimits(max_file_bytes=100))
    assert large.value.reason is Reason.TOO_LARGE


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS is enforced on Linux only")
def test_a_decompression_bomb_runs_out_of_the_memory_allowed(harbour: Path, tmp_path: Path) -> None:
    bomb = flate_bomb_pdf(tmp_path / "bomb.pdf", 70_000_000)
    limits = ExtractionLimits(memory_bytes=128 * MiB)
    assert render_page_isolated(harbour, 1, 600, limits=limits).width == 600  # honest fits
    started = time.monotonic()
    with pytest.raises(PageNotShown, match=r"more than the 128 MB of memory allowed") as failed:
        render_page_isolated(bomb, 1, 600, limits=limits)
    assert failed.value.reason is Reason.MEMORY
    assert time.monotonic() - started < 30


def test_a_page_that_takes_too_long_is_stopped(slow_pdf: Path) -> None:
    started = time.monotonic()
    with pytest.raises(PageNotShown, match=r"^Took longer than 0\.2 s to draw; stopped\.$") as slow:
        render_page_isolated(slow_pdf, 1, 600, limits=ExtractionLimits(seconds=0.2))
    assert slow.value.reason is Reason.TIMEOUT
    assert time.monotonic() - started < 30  # the interpreter's start is not counted, nor waited


def page_children(before: set[int]) -> list[psutil.Process]:
    """This process's page readers: its spawned children not in `before` (those that
    earlier tests left, such as a vector index's child, or multiprocessing's
    resource tracker)."""
    return [
        child
        for child in psutil.Process().children()
        if child.pid not in before
        and "spawn_main" in " ".join(child.cmdline())
        and "resource_tracker" not in child.cmdline()
    ]


def test_a_crashed_reader_is_a_message_and_cancel_stops_it(slow_pdf: Path) -> None:
    before = {child.pid for child in psutil.Process().children()}

    def kill_reader() -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            for child in page_children(before):
                os.kill(child.pid, getattr(signal, "SIGKILL", signal.SIGTERM))  # as the OS would
                return
            time.sleep(0.05)

    killer = threading.Thread(target=kill_reader)
    killer.start()
    try:
        with pytest.raises(PageNotShown, match=r"^The reader crashed on this file\.$"):
            render_page_isolated(slow_pdf, 1, 600)
    finally:
        killer.join()

    cancel = CancelToken()
    canceller = threading.Timer(0.5, cancel.cancel)
    canceller.start()
    started = time.monotonic()
    with pytest.raises(ConfidenteError, match=r"^Cancelled\.$"):
        render_page_isolated(slow_pdf, 1, 600, cancel=cancel)
    canceller.join()
    assert time.monotonic() - started < 5
    assert not page_children(before)  # the cancelled reader was stopped
