"""The status line after indexing reads naturally for one page and for many."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from app.core.documents.records import FileOutcome, FileStatus, IngestReport
from app.gui.documents.library import report_summary


def _report(pages: int) -> IngestReport:
    indexed = FileOutcome("/docs/a.pdf", FileStatus.INDEXED, "")
    return IngestReport("default", (indexed,), pages=pages, chunks=pages, seconds=2.0)


def test_one_page_is_singular(qapp: QApplication) -> None:
    text = report_summary(_report(1))
    assert " 1 page read in 2.0 s (0.5 pages/s)." in text
    assert "1 pages" not in text


def test_several_pages_are_plural(qapp: QApplication) -> None:
    assert " 3 pages read in 2.0 s (1.5 pages/s)." in report_summary(_report(3))
