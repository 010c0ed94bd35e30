"""Summaries and comparisons written as Markdown keep every page and [n] source."""

from __future__ import annotations

from pathlib import Path

from app.core.documents.records import Page
from app.core.tasks.compare import compare_documents
from app.core.tasks.pages import Document
from app.core.tasks.render import comparison_markdown, summary_markdown
from app.core.tasks.summarize import Summary, SummaryPoint
from app.core.worker import Job, JobContext


def _summary(partial: bool = False) -> Summary:
    document = Document(
        Path("/docs/harbour.pdf"),
        "pdf",
        (Page(2, "Cranes were greased."), Page(5, "Storms closed the harbour.")),
    )
    points = (
        SummaryPoint("The cranes were greased.", (1,), (2,), (1,), "1. Upkeep"),
        SummaryPoint("Storms closed the harbour.", (1, 2), (2, 5), (1,), "2. Weather"),
    )
    sources = (document.source(1, document.pages[0]), document.source(2, document.pages[1]))
    return Summary(points, sources, "sections", 1, 2, partial, 1.0, 0.5)


def test_summary_points_cite_their_pages_and_sources() -> None:
    text = summary_markdown(_summary(), "/docs/harbour.pdf")

    assert text.startswith("# Summary of harbour.pdf\n")
    assert "- The cranes were greased. [1] (p. 2)" in text
    assert "- Storms closed the harbour. [1][2] (pp. 2, 5)" in text
    assert "## 1. Upkeep" in text
    assert "## 2. Weather" in text
    assert "1. harbour.pdf, page 2\n2. harbour.pdf, page 5\n" in text
    assert "Stopped" not in text


def test_a_partial_summary_says_so() -> None:
    assert "1 of 2 parts summarised" in summary_markdown(_summary(True), "/docs/harbour.pdf")


def test_comparison_lists_each_difference_with_the_pages_of_each_side() -> None:
    old = Document(
        Path("/docs/old.txt"),
        "text",
        (Page(None, "Ferries run daily.\n\nTickets cost five euros.\n\nDogs ride free."),),
    )
    new = Document(
        Path("/docs/new.txt"),
        "text",
        (Page(None, "Ferries run daily.\n\nTickets cost six euros.\n\nBikes need a ticket."),),
    )
    comparison = compare_documents(JobContext(Job("compare")), old, new)

    text = comparison_markdown(comparison)

    assert text.startswith("# Changes from old.txt to new.txt\n")
    for difference in comparison.differences:
        assert f"## {difference.kind.capitalize()}" in text
    assert "```diff\n" in text
    assert text.count("## ") == len(comparison.differences) + (1 if comparison.sources else 0)
