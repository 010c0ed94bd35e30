"""The summarize task with the real starter model: the mechanics, not the prose.

A small context (512 tokens) and short answers make real documents split into
several parts, so covering every part, citing pages, progress and cancelling
are all exercised quickly.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.cancel import CancelToken
from app.core.services import Services
from app.core.tasks.pages import Document, PageRange
from app.core.tasks.summarize import (
    POINT_LIMITS,
    POINT_WORDS,
    Summary,
    SummaryLength,
    is_heading,
    shortened,
    summarize_document,
)
from app.core.worker import Event, Finished, Job, Progress, Update

DATA = Path(__file__).resolve().parents[2] / "data" / "pdf"
DEBIAN_FAQ = DATA / "debian-faq.en.pdf"  # real, English, 66 pages with text
EDU_MANUAL_ES = DATA / "debian-edu-manual.es.p72-74-79-92.pdf"  # real, Spanish, 4 pages
ANSWER_TOKENS = 24  # each answer of the model: enough for a point or two, and fast

_TOPICS = (
    ("lighthouse", "keeper", "lamp", "storms", "harbour"),
    ("orchard", "farmer", "apples", "frost", "ladders"),
    ("observatory", "astronomer", "telescope", "comets", "mirrors"),
    ("bakery", "baker", "ovens", "flour", "loaves"),
    ("railway", "engineer", "locomotive", "tunnels", "timetables"),
    ("vineyard", "grower", "grapes", "harvest", "barrels"),
)


def long_text(path: Path) -> Path:
    """A text file (no pages) with one long paragraph per topic: several parts at 512 tokens."""
    paragraphs = []
    for place, person, thing, trouble, tool in _TOPICS:
        sentences = [
            f"The {place} has a {person} who looks after the {thing} every day.",
            f"When {trouble} come, the {person} checks the {thing} twice and writes it down.",
            f"The {tool} of the {place} are kept in a shed beside the {thing}.",
            f"Visitors to the {place} may ask the {person} about the {tool} and the {thing}.",
        ]
        paragraphs.append(" ".join(sentences * 3))
    path.write_text("\n\n".join(paragraphs), encoding="utf-8")
    return path


@pytest.fixture
def small_services(starter_model: Path) -> Iterator[Services]:
    """The real starter model with a small context, so a few pages make several parts."""
    svc = Services(model_path=str(starter_model), max_tokens=16, context_length=512)
    svc.models.load(svc.settings).result()
    yield svc
    svc.close()


def _summarize(
    services: Services, path: Path, length: SummaryLength, pages: PageRange | None = None
) -> tuple[Document, Job[Summary]]:
    document = services.tasks.read(path, pages, CancelToken())
    job = services.worker.submit(
        "summarize",
        lambda ctx: summarize_document(ctx, document, length, answer_tokens=ANSWER_TOKENS),
    )
    return document, job


def _finish(job: Job[Summary]) -> tuple[Summary, list[Event]]:
    events = list(job.events())
    last = events[-1]
    assert isinstance(last, Finished), last
    return last.result, events


def _assert_cited(summary: Summary, document: Document) -> None:
    """Every point cites at least one source; the sources are the document's pages,
    numbered 1, 2… in page order, and each point's pages are its sources' pages."""
    numbers = [s.n for s in summary.sources]
    assert numbers == list(range(1, len(numbers) + 1))
    pages = [s.page for s in summary.sources]
    assert pages == sorted(pages, key=lambda p: -1 if p is None else p)
    document_pages = {p.number for p in document.pages}
    by_n = {s.n: s for s in summary.sources}
    for point in summary.points:
        assert point.text.strip()
        assert point.sources, point
        assert [by_n[n].page for n in point.sources] == list(point.pages)
        assert set(point.pages) <= document_pages
    for source in summary.sources:
        assert source.path == str(document.path)
        assert source.text == next(p.text for p in document.pages if p.number == source.page)


def test_every_part_of_real_pages_is_covered_and_cited(small_services: Services) -> None:
    document, job = _summarize(small_services, DEBIAN_FAQ, "page", PageRange(13, 14))
    summary, events = _finish(job)
    assert summary.parts_total >= 3  # two dense pages do not fit one 512-token context
    assert summary.parts_done == summary.parts_total
    assert not summary.partial
    assert 1 <= len(summary.points) <= POINT_LIMITS["page"]
    _assert_cited(summary, document)
    assert {s.page for s in summary.sources} <= {13, 14}  # the page range limits the pages
    # Progress counts the parts up to the total; after each part, the summary so far.
    progress = [(e.done, e.total) for e in events if isinstance(e, Progress) and e.label == "parts"]
    total = summary.parts_total
    assert progress == [(done, total) for done in range(total + 1)]
    updates = [e.value for e in events if isinstance(e, Update)]
    assert [u.parts_done for u in updates] == list(range(1, total + 1))
    # Every part contributed points of its own, before any combining.
    mapped = updates[-1]
    assert {part for point in mapped.points for part in point.parts} == set(range(1, total + 1))
    _assert_cited(mapped, document)
    assert summary.seconds > 0
    assert summary.seconds_per_page == pytest.approx(summary.seconds / 2)


def test_a_long_text_file_is_summarised_in_parts_and_combined(
    small_services: Services, tmp_path: Path
) -> None:
    document, job = _summarize(small_services, long_text(tmp_path / "notes.txt"), "short")
    summary, events = _finish(job)
    assert summary.parts_total >= 3
    assert summary.parts_done == summary.parts_total
    assert len(summary.points) <= POINT_LIMITS["short"]
    _assert_cited(summary, document)
    assert [(s.n, s.page) for s in summary.sources] == [(1, None)]  # a file without pages
    assert all(point.pages == (None,) for point in summary.points)
    mapped = [e.value for e in events if isinstance(e, Update)][-1]
    parts = {part for point in mapped.points for part in point.parts}
    assert parts == set(range(1, summary.parts_total + 1))
    assert len(mapped.points) > POINT_LIMITS["short"]  # so they were combined, visibly:
    progress = [(e.done, e.total) for e in events if isinstance(e, Progress)]
    combining = progress[progress.index((summary.parts_total, summary.parts_total)) + 1 :]
    assert combining[0][0] == 0
    assert combining[-1][0] == combining[-1][1] >= 1


def test_cancel_midway_keeps_the_parts_done(small_services: Services) -> None:
    document, job = _summarize(small_services, DEBIAN_FAQ, "page", PageRange(13, 14))
    result: Summary | None = None
    for event in job.events():
        if isinstance(event, Progress) and event.done == 1:
            job.cancel()  # after the first part
        elif isinstance(event, Finished):
            result = event.result
    assert result is not None  # a cancelled summary finishes, it does not fail
    assert result.partial
    assert 1 <= result.parts_done < result.parts_total
    assert result.points
    assert all(set(p.parts) <= set(range(1, result.parts_done + 1)) for p in result.points)
    _assert_cited(result, document)


def test_sections_follow_the_headings_of_a_real_manual(small_services: Services) -> None:
    document, job = _summarize(small_services, EDU_MANUAL_ES, "sections", PageRange(1, 2))
    summary, _ = _finish(job)
    assert summary.parts_done == summary.parts_total
    _assert_cited(summary, document)
    lines = {" ".join(line.split()) for p in document.pages for line in p.text.splitlines()}
    sections = [p.section for p in summary.points]
    assert all(section in lines for section in sections), sections  # real headings
    assert len(set(sections)) >= 2
    for section in set(sections):
        assert sections.count(section) <= POINT_LIMITS["sections"]


def test_sections_without_headings_are_the_parts(small_services: Services, tmp_path: Path) -> None:
    document, job = _summarize(small_services, long_text(tmp_path / "notes.txt"), "sections")
    summary, _ = _finish(job)
    _assert_cited(summary, document)
    sections = [p.section for p in summary.points]
    assert sections == [f"Part {p.parts[0]}" for p in summary.points]  # no pages to name
    assert {p.parts[0] for p in summary.points} == set(range(1, summary.parts_total + 1))
    for section in set(sections):
        assert sections.count(section) <= POINT_LIMITS["sections"]


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("2.1 What is the latest version of Debian?", True),
        ("8.1. Utilizar las impresoras conectadas a los puestos de trabajo", True),
        ("Chapter 2", True),
        ("GENERAL CONDITIONS", True),
        ("## Installing", True),
        ("1. Open the file and click Save.", False),
        ("No new functionality is added to the stable release.", False),
        ("2022", False),
    ],
)
def test_headings_are_short_numbered_or_capital_lines(line: str, heading: bool) -> None:
    assert is_heading(line) is heading


def test_a_point_that_copies_out_the_text_is_cut_to_its_first_sentences() -> None:
    # What the starter model wrote for the Debian Social Contract: one "point" that was
    # the Free Software Guidelines copied out, hundreds of words long.
    copied = (
        "The Debian Free Software Guidelines (DFSG) 1. Free Redistribution The license of a "
        "Debian component may not restrict any party from selling or giving away the "
        "software as a component of an aggregate software distribution. The license may "
        "not require a royalty or other fee for such sale. 2. Source Code The program must "
        "include source code, and must allow distribution in source code as well as "
        "compiled form. 3. Derived Works The license must allow modifications."
    )
    point = shortened(copied)
    assert len(point.split()) <= POINT_WORDS
    assert point.endswith("aggregate software distribution.")  # whole sentences
    run_on = " ".join(["word"] * 80)  # no sentence end at all
    assert shortened(run_on) == " ".join(["word"] * POINT_WORDS) + "…"
    assert shortened("A short point.") == "A short point."
