"""Quotes and support, without the model: the sentences that answer, at their exact place."""

from __future__ import annotations

import time
from dataclasses import replace

from app.core.chat.service import base_excerpts
from app.core.documents.quotes import (
    CONTINUED_CHARS,
    MAX_CONTINUED_CHARS,
    MAX_QUOTE_CHARS,
    find_quotes,
    prose_sentence_spans,
    unsupported_spans,
)
from app.core.documents.records import Source

SPANISH_PAGE = (
    "CLÁUSULA NOVENA. DURACIÓN Y PRÓRROGA\n"
    "El contrato tiene una duración inicial de cinco años a contar desde el 1 de marzo de\n"
    "2023. A su vencimiento se prorrogará tácitamente por periodos anuales, salvo que\n"
    "cualquiera de las partes comunique a la otra su voluntad de no renovarlo con al menos\n"
    "seis meses de antelación a la fecha de vencimiento.\n"
    "La renta se actualizará cada 1 de marzo conforme al índice de precios.\n"
)
ENGLISH_PAGE = (
    "Maintenance plan. The pump P-20 in hall 7 must be serviced every 400 hours. "
    "Its filters are replaced at each service. The compressor C-3 is inspected once a year, "
    "in January, by the manufacturer."
)


def passage(page: str, first: str, n: int = 1, page_number: int | None = 3) -> Source:
    """A source holding `page` from the sentence that starts with `first`, like a chunk."""
    start = page.index(first)
    return Source(n, f"/docs/doc{n}.pdf", page_number, page[start:], 0.9, start, len(page), "pdf")


def test_spanish_quote_is_the_answering_sentence_at_its_exact_place_on_the_page() -> None:
    source = passage(SPANISH_PAGE, "El contrato")
    quotes = find_quotes(
        "¿Con cuánta antelación hay que avisar para no renovar el contrato?", [source]
    )
    assert quotes, "the sentence about the notice is a quote"
    best = quotes[0]
    assert SPANISH_PAGE[best.start : best.end] == best.text
    assert best.text.startswith("A su vencimiento se prorrogará")
    # The wrapped lines are one sentence; the quote goes on into the next, as it is short.
    assert "cualquiera de las partes comunique" in best.text
    assert best.text.endswith("conforme al índice de precios.")
    assert (best.n, best.page, best.path) == (1, 3, "/docs/doc1.pdf")
    assert best.to_json() == {
        "n": 1,
        "text": best.text,
        "page": 3,
        "start": best.start,
        "end": best.end,
    }


def test_english_quote_and_a_code_found_whole() -> None:
    source = passage(ENGLISH_PAGE, "The pump", n=2, page_number=None)
    [best, *_] = find_quotes("How often is pump P-20 serviced?", [source])
    assert best.text.startswith("The pump P-20 in hall 7 must be serviced every 400 hours.")
    assert ENGLISH_PAGE[best.start : best.end] == best.text
    assert best.n == 2
    assert best.page is None


def test_a_quote_carries_on_into_the_sentence_that_answers() -> None:
    """The sentence holding the question's words often only names the topic."""
    page = (
        "Epidural catheters. The catheter is removed by the anaesthetist on call. "
        "The next heparin dose is given no sooner than 4 hours later. "
        + "Pain, fever, numbness and weakness of the legs are watched for by the nurses of "
        "the ward, every hour, for the whole of the next day and night. " * 4
    )
    source = passage(page, "The catheter", page_number=6)
    [quote, *_] = find_quotes("When is the epidural catheter removed?", [source])
    assert quote.text == (
        "The catheter is removed by the anaesthetist on call. "
        "The next heparin dose is given no sooner than 4 hours later. "
        "Pain, fever, numbness and weakness of the legs are watched for by the nurses of "
        "the ward, every hour, for the whole of the next day and night."
    )
    assert len(quote.text) >= CONTINUED_CHARS  # it stops once it is this long
    assert page[quote.start : quote.end] == quote.text
    # A base model reads the quotes, continuation included.
    assert base_excerpts([source], [quote]) == [(1, quote.text)]


def test_a_quote_that_announces_a_list_takes_the_list_but_not_a_page_number() -> None:
    page = (
        "Mumble is a voice chat server that many people use for games and meetings, and it "
        "is reached from outside your network once the router forwards its port. "
        "You should forward the following ports for Mumble:\n"
        "• TCP 64738\n"
        "• UDP 64738\n"
        "23\n"
        "Chapter 6. Other services"
    )
    source = Source(1, "/d/manual.pdf", 80, page, 0.9, 0, len(page), "pdf")
    [quote] = find_quotes("Which ports should be forwarded for Mumble?", [source], limit=1)
    assert quote.text.startswith("You should forward the following ports for Mumble:")
    assert quote.text.endswith("• TCP 64738\n• UDP 64738")  # the list, not the page number
    assert page[quote.start : quote.end] == quote.text


def test_a_quote_carries_on_into_the_page_text_after_its_passage() -> None:
    """The passage was cut where the answer begins: the page's next words are in
    `Source.following`, and the quote's offsets stay those of the page."""
    page = (
        "Si desea otra zona horaria que la elegida al instalar, hay dos opciones.\n"
        "La más sencilla es ejecutar dpkg-reconfigure tzdata con el sistema instalado."
    )
    cut = page.index("\n")
    source = Source(1, "/d/guia.pdf", 55, page[:cut], 0.9, 0, cut, "pdf", page[cut:])
    [quote] = find_quotes("¿Cómo cambio la zona horaria con el sistema instalado?", [source])
    assert "dpkg-reconfigure tzdata" in quote.text
    assert page[quote.start : quote.end] == quote.text
    alone = find_quotes("¿Cómo cambio la zona horaria?", [replace(source, following="")])
    assert alone[0].text == page[:cut]  # without it, the passage's end is the end


def test_a_quote_never_grows_past_its_limit_nor_repeats_a_better_one() -> None:
    long_tail = "It then " + "checks the seals and the gauges of the line again, " * 12 + "done."
    page = "The valve V-9 is closed before the pump P-4 is serviced. " + long_tail
    source = Source(1, "/d/p.txt", None, page, 0.9, 0, len(page), "text")
    [quote] = find_quotes("When is valve V-9 closed?", [source])
    assert quote.text == "The valve V-9 is closed before the pump P-4 is serviced."
    assert len(long_tail) > MAX_CONTINUED_CHARS
    text = "The boiler valve opens at 6 bar. The boiler valve closes at 4 bar."
    both = Source(1, "/d/b.txt", None, text, 0.9, 0, len(text), "text")
    quotes = find_quotes("At what pressure does the boiler valve open and close?", [both])
    assert [q.text for q in quotes] == [text]  # the second sentence is in the first quote


def test_sentences_without_a_question_word_are_never_quoted() -> None:
    source = passage(ENGLISH_PAGE, "Maintenance")
    quotes = find_quotes("When is compressor C-3 inspected?", [source])
    assert [q.text for q in quotes] == [
        "The compressor C-3 is inspected once a year, in January, by the manufacturer."
    ]
    assert find_quotes("What colour is the sky?", [source]) == []
    assert find_quotes("the of and", [source]) == []  # no content word at all


def test_at_most_two_quotes_per_source_best_first_and_repeats_once() -> None:
    text = " ".join(f"Valve V-{i} of the boiler opens at {i} bar." for i in range(1, 7))
    first = Source(1, "/docs/a.txt", None, text, 0.9, 0, len(text), "text")
    second = Source(2, "/docs/b.txt", None, text, 0.8, 0, len(text), "text")
    quotes = find_quotes("At what pressure does the boiler valve open?", [first, second], limit=5)
    assert [q.n for q in quotes].count(1) <= 2
    assert len({" ".join(q.text.split()) for q in quotes}) == len(quotes)
    assert [q.score for q in quotes] == sorted((q.score for q in quotes), reverse=True)


def test_a_long_sentence_is_cut_to_a_window_around_the_matched_words() -> None:
    filler = ", ".join(f"the item number {i} of the inventory" for i in range(30))
    sentence = f"In the annex we list {filler}, and the spare gasket G-77 is kept in drawer 4."
    page = "Annex.\n" + sentence
    source = Source(1, "/docs/annex.txt", None, page, 0.9, 0, len(page), "text")
    [quote] = find_quotes("Where is the spare gasket G-77 kept?", [source])
    assert len(quote.text) <= MAX_QUOTE_CHARS < len(sentence)
    assert "gasket G-77 is kept in drawer 4" in quote.text
    assert page[quote.start : quote.end] == quote.text
    assert quote.text == quote.text.strip()


def test_english_question_over_spanish_text_may_find_nothing() -> None:
    source = passage(SPANISH_PAGE, "El contrato")
    quotes = find_quotes("How much notice is needed to not renew the lease?", [source])
    assert all(SPANISH_PAGE[q.start : q.end] == q.text for q in quotes)


def test_wrapped_lines_are_joined_but_headings_and_list_items_are_not() -> None:
    text = (
        "4. Suspension before surgery\n"
        "Dabigatran is stopped 48 hours before a procedure with a high risk of bleeding, and\n"
        "96 hours before when renal function is moderately impaired.\n"
        "- first item of a list\n"
        "- second item"
    )
    assert [text[a:b] for a, b in prose_sentence_spans(text)] == [
        "4.",
        "Suspension before surgery",  # short: a heading, kept apart from what follows
        "Dabigatran is stopped 48 hours before a procedure with a high risk of bleeding, and\n"
        "96 hours before when renal function is moderately impaired.",
        "- first item of a list",
        "- second item",
    ]


def test_quotes_take_a_few_milliseconds() -> None:
    page = (ENGLISH_PAGE + " ") * 6  # about 800 characters, a chunk
    sources = [Source(n, f"/d/{n}.txt", None, page, 0.5, 0, len(page), "text") for n in range(5)]
    find_quotes("How often is pump P-20 serviced?", sources)  # warm the regular expressions
    started = time.perf_counter()
    for _ in range(20):
        find_quotes("How often is pump P-20 in hall 7 serviced and inspected?", sources)
    per_call = (time.perf_counter() - started) / 20
    assert per_call < 0.025, f"{per_call * 1000:.1f} ms per call"


def test_unsupported_sentences_are_marked_in_the_answer_text() -> None:
    source = passage(ENGLISH_PAGE, "Maintenance")
    answer = (
        "According to [1], the pump P-20 must be serviced every 400 hours. "
        "The pump was painted green by the Swedish navy. "
        "The compressor C-3 is inspected every 9 years [1]. "
        "The documents do not say what colour the pump is. "
        "Yes."
    )
    spans = unsupported_spans(answer, [source])
    marked = [answer[a:b] for a, b in spans]
    assert marked == [
        "The pump was painted green by the Swedish navy.",  # no source says so
        "The compressor C-3 is inspected every 9 years [1].",  # 9 is in no source
    ]
    assert unsupported_spans(answer, []) == ()


def test_a_decimal_comma_and_a_decimal_point_are_the_same_number() -> None:
    text = "La válvula de seguridad abre a 6,5 bar."
    source = Source(1, "/d/v.txt", None, text, 0.9, 0, len(text), "text")
    assert unsupported_spans("La válvula de seguridad abre a 6.5 bar [1].", [source]) == ()
    assert unsupported_spans("La válvula de seguridad abre a 7 bar.", [source]) == ((0, 37),)


def test_the_numbers_of_a_numbered_list_are_not_claims() -> None:
    source = passage(ENGLISH_PAGE, "Maintenance")
    answer = (
        "The plan says:\n7. The pump P-20 must be serviced every 400 hours.\n"
        "8. The compressor C-3 is inspected in January."
    )
    assert unsupported_spans(answer, [source]) == ()
