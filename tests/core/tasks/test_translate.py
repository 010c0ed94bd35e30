"""The translate task with the real starter model: the mechanics, not the prose."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.services import Services
from app.core.tasks.pages import PageRange
from app.core.tasks.translate import TranslatedPage, Translation
from app.core.worker import Finished, Update
from tests.core.tasks.real_texts import FAKEROOT_ES, make_pdf


@pytest.fixture
def spanish_pdf(tmp_path: Path) -> Path:
    return make_pdf(tmp_path / "fakeroot.pdf", FAKEROOT_ES)


def test_every_page_is_translated_once_in_order(services: Services, spanish_pdf: Path) -> None:
    translation = services.tasks.translate(spanish_pdf, "en").result()
    assert [p.number for p in translation.pages] == [1, 2]
    assert not translation.partial
    assert translation.target == "en"
    assert all(p.language == "es" and p.text.strip() for p in translation.pages)
    markdown = translation.to_markdown()
    assert markdown.startswith("# fakeroot.pdf (translated to English)\n")
    headings = [line for line in markdown.splitlines() if line.startswith("## Page")]
    assert [h.split(" (")[0] for h in headings] == ["## Page 1", "## Page 2"]
    for page in translation.pages:
        # a page either came out in English or says it kept its original text
        assert page.translated or page.text in FAKEROOT_ES[(page.number or 0) - 1]


def test_a_page_range_translates_only_those_pages(services: Services, spanish_pdf: Path) -> None:
    translation = services.tasks.translate(spanish_pdf, "en", PageRange(2, 2)).result()
    assert [p.number for p in translation.pages] == [2]


def test_cancel_keeps_the_pages_done(services: Services, spanish_pdf: Path) -> None:
    job = services.tasks.translate(spanish_pdf, "en")
    updates: list[Translation] = []
    result: Translation | None = None
    for event in job.events():
        if isinstance(event, Update):
            updates.append(event.value)
            job.cancel()  # after the first page
        elif isinstance(event, Finished):
            result = event.result
    assert result is not None
    assert result.partial
    assert [p.number for p in result.pages] == [1]
    assert [p.number for p in updates[0].pages] == [1]
    assert "Stopped before the end" in result.to_markdown()


def test_markdown_without_pages_has_no_page_headings() -> None:
    translation = Translation(
        "/tmp/notes.txt", (TranslatedPage(None, "es", "Hello.", True),), "en", False, 1.0
    )
    assert translation.to_markdown() == "# notes.txt (translated to English)\n\nHello.\n"
    assert translation.to_json() == {
        "pages": [{"page": None, "text": "Hello.", "translated": True}],
        "target": "en",
        "partial": False,
    }


def test_an_untranslated_page_says_so_in_its_heading() -> None:
    page = TranslatedPage(3, "es", "Guarda el entorno.", False)
    markdown = Translation("a.pdf", (page,), "en", False, 1.0).to_markdown()
    assert "## Page 3 (not translated)\n\nGuarda el entorno.\n" in markdown
