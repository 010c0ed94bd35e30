"""Small PDFs made from given texts, one page each, for tests that need real PDF pages."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF


def make_pdf(path: Path, pages: tuple[str, ...]) -> Path:
    """A PDF with one page per text (fpdf2's core Helvetica covers Spanish letters)."""
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 8, text)
    pdf.output(str(path))
    return path
