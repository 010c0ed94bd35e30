"""Extraction quality on real PDFs (tests/data/pdf), not on the clean ones the tests generate.

Real manuals typeset with justified lines often draw words by position with
no space character between them. A reader that ignores positions returns
`TheDebianProjectwascreatedbyIanMurdock…`, which neither the keyword index
nor the embedder can use. These tests measure the words themselves.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.core.documents.extract import _read_pdf_pypdf, extract
from app.core.documents.limits import ExtractionLimits
from app.core.documents.records import Page
from app.core.documents.sandbox import extract_isolated

DATA = Path(__file__).resolve().parents[2] / "data" / "pdf"
FAQ = DATA / "debian-faq.en.pdf"
EDU = DATA / "debian-edu-manual.es.p72-74-79-92.pdf"

_WORD = re.compile(r"[^\W\d_]+")
RUN_TOGETHER = 20  # letters: longer "words" in these manuals are words glued together


def glued_share(pages: tuple[Page, ...] | list[Page]) -> float:
    """Share of alphabetic tokens of at least RUN_TOGETHER letters."""
    words = [word for page in pages for word in _WORD.findall(page.text)]
    return sum(1 for word in words if len(word) >= RUN_TOGETHER) / max(1, len(words))


def known_words(pages: tuple[Page, ...] | list[Page], vocabulary: set[str]) -> float:
    """Share of the vocabulary's words that appear as whole tokens in the text."""
    tokens = {word.casefold() for page in pages for word in _WORD.findall(page.text)}
    return len(vocabulary & tokens) / len(vocabulary)


# Ordinary words of each manual; a reader that glues words loses most of them as tokens.
FAQ_WORDS = {
    "freedom", "price", "software", "distribute", "copies", "receive", "source", "change",
    "pieces", "programs", "created", "initially", "sponsorship", "foundation", "developers",
    "direct", "descendent", "itself", "upon", "which", "reliable", "compatibility",
}  # fmt: skip
EDU_WORDS = {
    "perderán", "tan", "pronto", "como", "utilice", "para", "recrear", "entorno",
    "instalación", "agregar", "repositorio", "personalizado", "utilizada", "proxy",
    "proporciona", "ayuda", "herramienta", "poderosa", "cuidadoso", "dañe", "base", "datos",
}  # fmt: skip


@pytest.mark.parametrize(("pdf", "vocabulary"), [(FAQ, FAQ_WORDS), (EDU, EDU_WORDS)])
def test_real_justified_pdfs_keep_their_word_boundaries(pdf: Path, vocabulary: set[str]) -> None:
    extracted = extract(pdf)
    assert glued_share(extracted.pages) < 0.002
    assert known_words(extracted.pages, vocabulary) >= 0.95


@pytest.mark.parametrize(("pdf", "vocabulary"), [(FAQ, FAQ_WORDS), (EDU, EDU_WORDS)])
def test_the_measure_fails_on_run_together_text(pdf: Path, vocabulary: set[str]) -> None:
    """pypdf, the reader Confidente used before, glues these manuals' words: the check
    above must catch exactly that, or it proves nothing."""
    pages = _read_pdf_pypdf(pdf, ExtractionLimits())
    assert glued_share(pages) > 0.002 or known_words(pages, vocabulary) < 0.95


def test_real_pdf_keeps_physical_page_numbers_sentences_and_hyphenated_words() -> None:
    extracted = extract(FAQ)
    assert len(extracted.pages) == 73
    assert [page.number for page in extracted.pages] == list(range(1, 74))
    page = extracted.pages[9].text  # physical page 10
    assert "The Debian Project was created by Ian Murdock in 1993" in page
    # "dis-" at a line's end and "tributions" on the next are one word again.
    assert "value-added Linux distributions can be built" in page


def test_spanish_real_pdf_reads_in_the_sandboxed_reader() -> None:
    extracted = extract_isolated(EDU)
    assert [page.number for page in extracted.pages] == [1, 2, 3, 4]
    text = " ".join(page.text for page in extracted.pages)
    assert "perderán tan pronto como se utilice" in " ".join(text.split())
