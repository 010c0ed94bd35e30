"""The generated retrieval corpus is honest: every answer is where its question says it is.

These tests read the files with pypdf, python-docx and the standard library only, never
with the app's own readers, so that they check the corpus and not the code under test.
"""

from __future__ import annotations

import time
import unicodedata
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from tests.corpus import QUESTIONS, TXT, TXT_ENCODING, UNANSWERABLE, build_corpus

# The page counts the corpus is designed with; a change must be deliberate.
PDF_PAGES = {
    "guia_anticoagulacion_perioperatoria.pdf": 8,
    "af_anticoagulation_protocol.pdf": 8,
    "contrato_arrendamiento_nave_14.pdf": 8,
    "master_services_agreement_MSA-2023-118.pdf": 9,
    "informe_ensayos_IT-2024-031.pdf": 9,
    "battery_pack_validation_VR-118.pdf": 8,
    "lab_notebook_LN-2024-07.pdf": 5,
}

Unit = tuple[str, int | None]  # (file name, 1-based page or None)


def _norm(text: str) -> str:
    return " ".join(text.split())


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class _HtmlText(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"}:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _read_units(folder: Path) -> dict[Unit, str]:
    """Whitespace-normalised text of every PDF page and of every other file."""
    units: dict[Unit, str] = {}
    for path in sorted(folder.iterdir()):
        suffix = path.suffix.lower()
        if suffix == ".pdf":
            for number, page in enumerate(PdfReader(path).pages, start=1):
                units[(path.name, number)] = _norm(page.extract_text())
        elif suffix == ".docx":
            document = docx.Document(str(path))
            parts = [p.text for p in document.paragraphs]
            parts += [cell.text for t in document.tables for row in t.rows for cell in row.cells]
            units[(path.name, None)] = _norm("\n".join(parts))
        elif suffix == ".html":
            parser = _HtmlText()
            parser.feed(path.read_bytes().decode("utf-8"))
            units[(path.name, None)] = _norm(" ".join(parser.parts))
        else:
            encoding = TXT_ENCODING if path.name == TXT else "utf-8"
            units[(path.name, None)] = _norm(path.read_bytes().decode(encoding))
    return units


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], float]:
    folder = tmp_path_factory.mktemp("corpus")
    start = time.perf_counter()
    paths = build_corpus(folder)
    return paths, time.perf_counter() - start


@pytest.fixture(scope="module")
def units(built: tuple[list[Path], float]) -> dict[Unit, str]:
    paths, _ = built
    return _read_units(paths[0].parent)


def test_build_is_fast_and_returns_every_file(built: tuple[list[Path], float]) -> None:
    paths, seconds = built
    assert seconds < 3.0
    assert all(p.is_file() and p.stat().st_size > 0 for p in paths)
    assert sorted(p.name for p in paths) == sorted(p.name for p in paths[0].parent.iterdir())
    kinds = Counter(p.suffix for p in paths)
    assert kinds[".pdf"] >= 4
    assert kinds[".docx"] == 2
    assert {".html", ".md", ".txt", ".csv"} <= set(kinds)


def test_pdfs_have_the_intended_pages(built: tuple[list[Path], float]) -> None:
    paths, _ = built
    pages = {p.name: len(PdfReader(p).pages) for p in paths if p.suffix == ".pdf"}
    assert pages == PDF_PAGES
    assert all(n >= 3 for n in pages.values())
    assert sum(pages.values()) >= 50


def test_pdf_pages_are_page_sized_prose(units: dict[Unit, str]) -> None:
    for (name, page), text in units.items():
        if page is not None:
            assert 250 <= len(text.split()) <= 520, (name, page, len(text.split()))


def test_every_expected_phrase_is_on_its_named_page_and_nowhere_else(
    units: dict[Unit, str],
) -> None:
    for q in QUESTIONS:
        assert (q.file, q.page) in units, q
        assert q.expect in units[(q.file, q.page)], q
        where = [unit for unit, text in units.items() if _fold(q.expect) in _fold(text)]
        assert where == [(q.file, q.page)], (q.expect, where)


def test_facts_sit_inside_pages_not_on_their_first_line(units: dict[Unit, str]) -> None:
    for q in QUESTIONS:
        if q.page is not None:
            text = units[(q.file, q.page)]
            assert text.index(q.expect) > 200, q


def test_questions_are_balanced_and_paraphrased() -> None:
    assert 36 <= len(QUESTIONS) <= 60
    assert len({q.text for q in QUESTIONS}) == len(QUESTIONS)
    languages = Counter(q.language for q in QUESTIONS)
    assert set(languages) == {"es", "en"}
    assert min(languages.values()) >= 0.4 * len(QUESTIONS)
    pdf = [q for q in QUESTIONS if q.file.endswith(".pdf")]
    assert all(q.page is not None and q.page >= 1 for q in pdf)
    others = [q for q in QUESTIONS if not q.file.endswith(".pdf")]
    assert len(others) >= 6
    assert all(q.page is None for q in others)
    for q in QUESTIONS:
        assert _fold(q.expect) not in _fold(q.text), q
    spanish = [q.text for q in QUESTIONS if q.language == "es"]
    assert sum(_fold(t) == t for t in spanish) >= 4  # typed without accents, in lower case
    assert any(t.isupper() for t in spanish)  # typed in capitals


def test_plain_text_report_is_latin1_not_utf8(built: tuple[list[Path], float]) -> None:
    paths, _ = built
    raw = next(p for p in paths if p.name == TXT).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "DESCRIPCIÓN DE LO OCURRIDO" in raw.decode(TXT_ENCODING)


def test_build_is_deterministic(tmp_path: Path, units: dict[Unit, str]) -> None:
    build_corpus(tmp_path / "again")
    assert _read_units(tmp_path / "again") == units


def test_unanswerable_questions_are_off_topic(units: dict[Unit, str]) -> None:
    assert len(UNANSWERABLE) >= 6
    corpus = _fold(" ".join(units.values()))
    topics = ["australia", "paella", "fifa", "cien anos de soledad", "bicycle", "sevilla"]
    assert all(topic not in corpus for topic in topics)
    assert all(any(t in _fold(q) for t in topics) for q in UNANSWERABLE)
