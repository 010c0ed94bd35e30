"""Where a cited passage lies on its PDF page (`app.core.documents.highlight`), on real
PDFs written by fpdf2 and read back by PDFium: the rectangles cover every character of
the passage, line by line, in page order, where the rendered page has its ink."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

from app.core.documents import pdf_text
from app.core.documents.extract import extract
from app.core.documents.highlight import (
    HighlightError,
    Rect,
    find_passage,
    passage_rects,
    passage_rects_isolated,
)

BIRDS = (
    "Birds of the breakwater. The lighthouse keeper counted seventeen gulls on the northern "
    "breakwater every morning before breakfast, and wrote the number in a green notebook. "
    "On foggy days the count was made from the lamp room with binoculars. "
)
STORMS = (
    "Winter storms. The harbour was closed for nine days in January while waves broke over "
    "the outer wall. Fishing boats stayed in the inner basin until the wind dropped. "
)
REAL_PDFS = sorted((Path(__file__).resolve().parents[2] / "data" / "pdf").glob("*.pdf"))


@pytest.fixture(scope="module")
def manual(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four pages with a running header, each page's text several lines long."""
    pdf = FPDF()
    for number in range(1, 5):
        pdf.add_page()
        pdf.set_font("helvetica", size=9)
        pdf.cell(0, 8, f"Harbour Manual {number} / 4", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("helvetica", size=12)
        pdf.multi_cell(0, 6, BIRDS * 2 + STORMS)
    path = tmp_path_factory.mktemp("pdf") / "manual.pdf"
    pdf.output(str(path))
    return path


def page_text(path: Path, page: int) -> tuple[pdf_text.PageText, str]:
    document = pdfium.PdfDocument(str(path))
    try:
        textpage = document[page - 1].get_textpage()
        raw, chars = pdf_text.raw_page_text(textpage)
        return pdf_text.tidy(raw, chars), raw
    finally:
        document.close()


def tight_boxes(path: Path, page: int, first: int, last: int) -> list[Rect]:
    """The tight box of each visible PDFium character `first..last`, as displayed
    (top-left origin; these test pages are not rotated)."""
    document = pdfium.PdfDocument(str(path))
    try:
        pdf_page = document[page - 1]
        height = pdf_page.get_height()
        textpage = pdf_page.get_textpage()
        raw = textpage.get_text_range(0, textpage.count_chars())
        boxes: list[Rect] = []
        for index in range(first, last + 1):
            if raw[index].isspace():
                continue
            left, bottom, right, top = textpage.get_charbox(index)
            if right > left and top > bottom:
                boxes.append((left, height - top, right, height - bottom))
        return boxes
    finally:
        document.close()


def inside(box: Rect, rects: Sequence[Rect], slack: float = 0.6) -> bool:
    left, top, right, bottom = box
    return any(
        r[0] - slack <= left
        and right <= r[2] + slack
        and r[1] - slack <= top
        and bottom <= r[3] + slack
        for r in rects
    )


def check_covers(path: Path, page: int, passage: str, rects: Sequence[Rect]) -> None:
    """Every character of the passage lies in one of the rectangles, which go down the page."""
    text, _raw = page_text(path, page)
    span = find_passage(text.text, passage)
    assert span is not None
    mapped = text.char_range(*span)
    assert mapped is not None
    boxes = tight_boxes(path, page, *mapped)
    assert boxes
    assert all(inside(box, rects) for box in boxes)
    tops = [rect[1] for rect in rects]
    assert tops == sorted(tops), "one rectangle per line, in page order"
    for rect in rects:
        assert rect[0] < rect[2]
        assert rect[1] < rect[3]


def ink_share(path: Path, page: int, rects: Sequence[Rect], scale: float = 2.0) -> float:
    """The share of the rectangles' area that the rendered page has ink in (not white)."""
    document = pdfium.PdfDocument(str(path))
    try:
        image = document[page - 1].render(scale=scale).to_pil().convert("L")
    finally:
        document.close()
    inked = total = 0
    for left, top, right, bottom in rects:
        box = image.crop(
            (int(left * scale), int(top * scale), int(right * scale) + 1, int(bottom * scale) + 1)
        )
        histogram = box.histogram()
        total += sum(histogram)
        inked += sum(histogram[:200])
    return inked / total if total else 0.0


def test_a_whole_passage_is_lit_line_by_line(manual: Path) -> None:
    passage = (BIRDS + BIRDS)[:260].strip()  # starts the page's text, runs over 3 lines
    rects = passage_rects(manual, 2, passage)
    assert len(rects) >= 3
    check_covers(manual, 2, passage, rects)
    assert ink_share(manual, 2, rects) > 0.05
    # Lines other than the last run to the right margin: the passage is not just its words.
    assert rects[0][2] - rects[0][0] > 300


def test_a_passage_below_the_running_header_lights_only_its_own_lines(manual: Path) -> None:
    """A passage that starts after the page's header line: the header stays unlit."""
    stored = extract(manual).pages[2].text
    assert stored.startswith("Harbour Manual 3 / 4")
    passage = stored[stored.index("\n") + 1 :][:200]
    rects = passage_rects(manual, 3, passage)
    check_covers(manual, 3, passage, rects)
    assert rects[0][1] > 25, "the header line above the passage is not lit"


def test_the_occurrence_nearest_the_cited_offset_is_lit(manual: Path) -> None:
    text, _ = page_text(manual, 1)
    sentence = "On foggy days the count was made from the lamp room with binoculars."
    first = find_passage(text.text, sentence, near=0)
    second = find_passage(text.text, sentence, near=len(text.text))
    assert first is not None
    assert second is not None
    assert first[0] < second[0]
    early = passage_rects(manual, 1, sentence, near=first[0])
    late = passage_rects(manual, 1, sentence, near=second[0])
    assert early[0][1] < late[0][1]
    check_covers(manual, 1, sentence, early)


def test_a_passage_with_a_changed_word_is_lit_from_its_first_word_to_its_last(
    manual: Path,
) -> None:
    changed = BIRDS.replace("seventeen", "sixteen").strip()
    rects = passage_rects(manual, 4, changed)
    exact = passage_rects(manual, 4, BIRDS.strip())
    assert rects == exact
    text, _ = page_text(manual, 4)
    assert find_passage(text.text, "the page never says this at all") is None
    assert passage_rects(manual, 4, "the page never says this at all") == []


def test_whitespace_does_not_matter_when_finding_a_passage() -> None:
    page = "Title\n\nThe keeper counted\nseventeen   gulls.\n"
    start = page.index("keeper")
    found = find_passage(page, "keeper counted seventeen gulls.")
    assert found == (start, page.index("gulls.") + len("gulls."))
    assert page[found[0] : found[1]] == "keeper counted\nseventeen   gulls."
    assert find_passage(page, "") is None
    assert find_passage("", "gulls") is None


def test_a_rotated_page_is_lit_where_it_is_displayed(manual: Path, tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=PdfReader(manual))
    writer.pages[1].rotate(90)
    rotated = tmp_path / "rotated.pdf"
    writer.write(rotated)
    passage = BIRDS.strip()
    rects = passage_rects(rotated, 2, passage)
    document = pdfium.PdfDocument(str(rotated))
    width, height = document[1].get_size()
    document.close()
    assert width > height  # displayed landscape
    assert rects
    for left, top, right, bottom in rects:
        assert 0 <= left < right <= width
        assert 0 <= top < bottom <= height
        assert bottom - top > right - left  # lines run down the displayed page
    assert ink_share(rotated, 2, rects) > 0.05


def test_in_a_child_process_the_same_rectangles_come_back(manual: Path, tmp_path: Path) -> None:
    passage = BIRDS.strip()
    assert passage_rects_isolated(manual, 1, passage) == passage_rects(manual, 1, passage)
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    with pytest.raises(HighlightError):
        passage_rects_isolated(junk, 1, passage)
    with pytest.raises(HighlightError):
        passage_rects_isolated(manual, 9, passage)
    with pytest.raises(HighlightError):
        passage_rects_isolated(tmp_path / "gone.pdf", 1, passage)


@pytest.fixture(params=REAL_PDFS, ids=[path.name for path in REAL_PDFS])
def real_pdf(request: pytest.FixtureRequest) -> Path:
    path: Path = request.param
    return path


@pytest.mark.skipif(not REAL_PDFS, reason="no real PDFs in tests/data/pdf")
def test_passages_of_real_pdfs_are_lit_where_their_ink_is(real_pdf: Path) -> None:
    """Every few pages of a real document, the middle of the page as indexed is found."""
    pages = extract(real_pdf).pages
    checked = 0
    for page in pages[:: max(1, len(pages) // 5)]:
        words = page.text.split()
        if len(words) < 40 or page.number is None:
            continue
        passage = " ".join(words[len(words) // 3 : len(words) // 3 + 30])
        rects = passage_rects(real_pdf, page.number, passage)
        assert rects, f"page {page.number}: the passage was not found"
        check_covers(real_pdf, page.number, passage, rects)
        assert ink_share(real_pdf, page.number, rects) > 0.02
        checked += 1
    assert checked
