"""The extract task: the checks without a model, the whole task with the starter model."""

from __future__ import annotations

import csv
import io

import pytest

from app.core.cancel import CancelToken
from app.core.documents.records import Page
from app.core.services import Services
from app.core.tasks.extract import (
    NOT_FOUND_CELL,
    TEMPLATES,
    Cell,
    Extraction,
    Row,
    canonical_number,
    is_on_page,
    parse_answer,
    place_value,
)
from app.core.tasks.pages import PageRange
from app.core.worker import Finished, Progress, Update
from tests.core.tasks.real_texts import DEBIAN_FAQ

# A real page: the Debian FAQ's copyright page (tests/data/pdf/debian-faq.en.pdf, p. ii).
FAQ_PAGE = (
    "The Debian GNU/Linux FAQ\nPublished January 2021\n"
    "Copyright © 1996-2021 Software in the Public Interest"
)


@pytest.mark.parametrize(
    ("number", "canonical"),
    [
        ("1.000,50", "1000.50"),
        ("1,000.50", "1000.50"),
        ("12.500", "12500"),
        ("12,500", "12500"),
        ("1.234.567", "1234567"),
        ("2,5", "2.5"),
        ("2.5", "2.5"),
        ("2022", "2022"),
    ],
)
def test_number_formats_are_written_one_way(number: str, canonical: str) -> None:
    assert canonical_number(number) == canonical


def test_a_value_on_its_page_is_verified() -> None:
    assert is_on_page("Software in the Public Interest", FAQ_PAGE)
    assert is_on_page("january 2021", FAQ_PAGE)  # case
    assert is_on_page("SOFTWARE  in the public\ninterest", FAQ_PAGE)  # case and spacing
    assert is_on_page("1996–2021, Software in the Public Interest", FAQ_PAGE)  # bits found
    assert is_on_page("Fianza de 1,000.50 euros", "Fianza: 1.000,50 €")  # number format
    assert is_on_page("Cláusula 9", "CLAUSULA 9. El arrendatario...")  # accents
    assert is_on_page("monthly payments", "No numbers or names to check")  # nothing to check


def test_a_value_not_on_its_page_is_flagged() -> None:
    assert not is_on_page("Published January 2022", FAQ_PAGE)  # a year not on the page
    assert not is_on_page("Free Software Foundation", FAQ_PAGE)  # names not on the page
    assert not is_on_page("202", FAQ_PAGE)  # a part of a number is not the number


CONTRACT_PAGE = (
    "Version 1.1 ratified on April 26th, 2004. Superseded by the current version 1.2 "
    "ratified on October 1st, 2022. Supersedes Version 1.0 ratified on July 5th, 1997."
)


@pytest.mark.parametrize(
    "value",
    ["April 26th, 2004", "26 April 2004", "26 de abril de 2004", "26/04/2004", "2004-04-26",
     "the 26th of April", "1.0 ratified on July 5, 1997", "5 julio 1997"],
)  # fmt: skip
def test_a_date_written_another_way_is_verified(value: str) -> None:
    assert is_on_page(value, CONTRACT_PAGE)


@pytest.mark.parametrize(
    "value",
    ["1st April 2004", "26 April 2022", "April 5th, 2004", "1/10/2004", "5 de julio de 2022",
     "Ana Ruiz, 26 April 2004"],
)  # fmt: skip
def test_a_date_made_of_bits_from_other_dates_is_flagged(value: str) -> None:
    # Each number and month name is on the page, but not as this date (and no Ana Ruiz).
    assert not is_on_page(value, CONTRACT_PAGE)


def test_a_value_is_placed_on_the_page_that_holds_it() -> None:
    pages = (Page(3, "The rent is 850 euros a month."), Page(4, FAQ_PAGE))
    found = place_value("January 2021", pages, pages)
    assert (pages[found.page_index].number, found.whole, found.unverified) == (4, True, False)
    invented = place_value("March 2024", pages, pages)
    assert invented.unverified


@pytest.mark.parametrize(
    ("answer", "value"),
    [
        ("Date: May 31, 2022", "May 31, 2022"),
        ("date:  **May 31, 2022**.", "May 31, 2022"),
        ("- Date: “May 31, 2022”", "May 31, 2022"),
        ("Date: not found", None),
        ("Date: Not found in the text", None),
        ("Date: N/A", None),
        ("Fecha: no encontrado", None),
        ("Parties: A and B\nDate: May 2022", "May 2022"),
        ("Parties: A and B", None),  # another field's line only
        ("May 31, 2022", "May 31, 2022"),  # one bare line
        ("", None),
    ],
)
def test_answers_are_parsed_robustly(answer: str, value: str | None) -> None:
    field = "fecha" if answer.startswith("Fecha") else "date"
    assert parse_answer(field, answer) == value


def test_tables_have_a_header_and_a_row_per_field() -> None:
    cell = Cell("1.000,50 | EUR", 2, 1, found=True, unverified=True)
    extraction = Extraction(
        "/tmp/a.pdf",
        ("amount", "date"),
        (Row("amount", cell), Row("date", NOT_FOUND_CELL)),
        (),
        False,
        0.1,
    )
    rows = list(csv.reader(io.StringIO(extraction.to_csv())))
    assert rows == [
        ["field", "value", "page", "source", "check"],
        ["amount", "1.000,50 | EUR", "2", "[1]", "unverified"],
        ["date", "not found", "", "", ""],
    ]
    markdown = extraction.to_markdown().splitlines()
    assert markdown[0] == "| field | value | page | source | check |"
    assert markdown[2] == "| amount | 1.000,50 \\| EUR | 2 | [1] | unverified |"
    assert len(markdown) == 2 + 2


def test_templates_name_their_fields() -> None:
    assert TEMPLATES["contract"] == ("parties", "dates", "amounts", "obligations", "deadlines")
    assert TEMPLATES["guideline"] == ("drug", "dose", "condition")
    assert TEMPLATES["report"] == ("measurement", "value", "unit", "specimen")


FIELDS = ("title", "date", "copyright holder", "price")


def test_every_cell_cites_a_real_page_and_source(services: Services) -> None:
    extraction = services.tasks.extract(DEBIAN_FAQ, FIELDS, PageRange(1, 2)).result()
    assert not extraction.partial
    assert [row.field for row in extraction.rows] == list(FIELDS)
    document = services.tasks.read(DEBIAN_FAQ, PageRange(1, 2), CancelToken())
    texts = {page.number: page.text for page in document.pages}
    by_n = {source.n: source for source in extraction.sources}
    assert [s.n for s in extraction.sources] == list(range(1, len(extraction.sources) + 1))
    cited_pages = [s.page or 0 for s in extraction.sources]
    assert cited_pages == sorted(cited_pages)
    for row in extraction.rows:
        cell = row.cell
        if not cell.found:
            assert (cell.value, cell.page, cell.n) == ("not found", None, None)
            continue
        assert cell.page in texts
        assert cell.n in by_n
        assert by_n[cell.n].page == cell.page
        assert cell.unverified == (not is_on_page(cell.value, texts[cell.page]))
    assert len(extraction.to_csv().splitlines()) == 1 + len(FIELDS)
    assert len(extraction.to_markdown().splitlines()) == 2 + len(FIELDS)


def test_cancel_keeps_the_parts_done(services: Services) -> None:
    job = services.tasks.extract(DEBIAN_FAQ, ("title",), PageRange(3, 10))  # several parts
    progress: list[Progress] = []
    result: Extraction | None = None
    for event in job.events():
        if isinstance(event, Progress):
            progress.append(event)
        elif isinstance(event, Update):
            job.cancel()  # after the first part
        elif isinstance(event, Finished):
            result = event.result
    assert result is not None
    assert result.partial
    assert [row.field for row in result.rows] == ["title"]
    total = progress[0].total
    assert total > 1
    assert [(p.done, p.total) for p in progress] == [(0, total), (1, total)]
