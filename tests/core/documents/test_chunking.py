"""Chunking and the pure parts of retrieval: offsets, sentence cuts, folding, fusion."""

from __future__ import annotations

import itertools

import pytest

from app.core.documents.chunking import chunk_pages, sentence_spans
from app.core.documents.records import Page
from app.core.documents.retrieval import (
    content_terms,
    coverage,
    fold,
    fuse,
    fuse_rankings,
    idf,
    is_relevant,
    keyword_query,
    worth_citing,
)

SPANISH = (
    "El arrendatario podrá resolver el contrato con un preaviso de sesenta días. "
    "¿Qué ocurre si no avisa? Deberá abonar una mensualidad completa. "
    "La fianza se devolverá en el plazo de un mes.\n\n"
    "Cláusula 14.3: las reparaciones menores corren a cargo del inquilino."
)


def test_sentences_end_at_punctuation_and_blank_lines() -> None:
    spans = sentence_spans(SPANISH)
    sentences = [SPANISH[a:b] for a, b in spans]
    assert sentences[0].endswith("sesenta días.")
    assert sentences[1] == "¿Qué ocurre si no avisa?"
    assert sentences[-1].startswith("Cláusula 14.3")
    assert all(s == s.strip() for s in sentences)


@pytest.mark.parametrize(("size", "overlap"), [(200, 0), (200, 60), (120, 40), (1000, 200)])
def test_chunks_are_exact_slices_of_their_page(size: int, overlap: int) -> None:
    pages = [Page(1, SPANISH * 3), Page(2, "Second page. " * 40), Page(3, "")]
    chunks = chunk_pages(pages, size, overlap)
    for chunk in chunks:
        page = next(p for p in pages if p.number == chunk.page)
        assert page.text[chunk.start : chunk.end] == chunk.text
        assert len(chunk.text) <= size * 1.25
    assert {c.page for c in chunks} == {1, 2}  # never across pages; empty pages give nothing
    # Every character of text (all but whitespace) is in some chunk.
    for page in pages:
        covered: set[int] = set()
        for chunk in (c for c in chunks if c.page == page.number):
            covered.update(range(chunk.start, chunk.end))
        text = {i for i, c in enumerate(page.text) if not c.isspace()}
        assert text <= covered


def test_chunks_cut_between_sentences() -> None:
    chunks = chunk_pages([Page(None, SPANISH)], 160, 0)
    assert len(chunks) >= 2
    for chunk in chunks:
        assert chunk.text[-1] in ".?:" or chunk.text.endswith("inquilino.")


def test_overlap_repeats_the_last_sentences() -> None:
    text = " ".join(f"Sentence {i} is here." for i in range(40))
    without = chunk_pages([Page(None, text)], 200, 0)
    with_overlap = chunk_pages([Page(None, text)], 200, 60)
    assert len(with_overlap) > len(without)
    for a, b in itertools.pairwise(with_overlap):
        assert b.start < a.end  # the next chunk begins inside the previous one
    for a, b in itertools.pairwise(without):
        assert b.start >= a.end


def test_a_sentence_longer_than_the_size_is_cut_at_words() -> None:
    words = "palabra " * 300
    chunks = chunk_pages([Page(None, words)], 200, 0)
    assert all(len(c.text) <= 200 for c in chunks)
    assert all(not c.text.startswith(" ") and c.text.startswith("palabra") for c in chunks)


def test_overlap_larger_than_half_is_refused() -> None:
    with pytest.raises(ValueError, match="half"):
        chunk_pages([Page(None, "x")], 100, 60)


def test_folding_matches_the_keyword_index() -> None:
    assert fold("Acción ÑANDÚ Straße") == "accion nandu strasse"
    assert content_terms("¿Cuál es la duración del período de prueba?") == [
        "duracion",
        "periodo",
        "prueba",
    ]
    assert content_terms("What is the T-12 maximum temperature, in °C?") == [
        "t-12",
        "maximum",
        "temperature",
    ]


def test_keyword_query_quotes_terms_and_adds_prefixes() -> None:
    query = keyword_query(["temperaturas", "l-4471", "or"])
    assert '"temperaturas"' in query
    assert '"temperatur"*' in query
    assert '"l-4471"' in query
    assert " OR " in query
    assert '"or"' in query  # quoted, so FTS5 does not read it as an operator


def test_coverage_counts_folded_terms_and_prefixes() -> None:
    text = "Las temperaturas máximas del ensayo T-12 fueron de 84 °C."
    assert coverage(["temperatura", "maxima", "t-12"], text) == 1.0
    assert coverage(["presion", "t-12"], text) == 0.5
    assert coverage([], text) == 0.0


def test_fusion_rewards_agreement_between_rankings() -> None:
    fused = fuse([1, 2, 3], [(3, 0.9), (4, 0.8), (1, 0.7)])
    order = [c.chunk_id for c in fused]
    assert order[:2] == [1, 3]  # in both rankings
    assert set(order) == {1, 2, 3, 4}
    assert fused[0].score <= 1.0
    top_in_both = fuse([7], [(7, 0.5)])
    assert top_in_both[0].score == pytest.approx(1.0)
    assert fused[1].similarity == 0.9
    assert fused[1].keyword_rank == 3


def test_relevance_needs_strong_meaning_or_rare_shared_words() -> None:
    assert is_relevant(0.7, 0.0)  # close in meaning
    assert not is_relevant(0.44, 0.0)  # "somewhat similar" is what MiniLM says of any Spanish
    assert not is_relevant(0.44, 0.19)  # ... and common words do not make up for it
    assert is_relevant(0.46, 0.21)
    assert is_relevant(0.34, 0.26)
    assert is_relevant(None, 0.41)  # mostly the question's rarer words, whatever the vectors say
    assert not is_relevant(None, 0.39)


def test_passages_sharing_no_word_need_closer_meaning_to_be_cited() -> None:
    assert worth_citing(0.1, 0.05)
    assert worth_citing(0.5, 0.0)
    assert not worth_citing(0.4, 0.0)
    assert not worth_citing(None, 0.0)


def test_weighted_coverage_counts_rare_words_more() -> None:
    text = "El ensayo T-12 alcanzó una temperatura de 84 grados."
    assert coverage(["temperatura", "sevilla"], text, [1.0, 1.0]) == 0.5
    assert coverage(["temperatura", "sevilla"], text, [1.0, 3.0]) == 0.25
    assert idf(0, 100) > idf(50, 100) > idf(100, 100) >= 0


def test_a_ranking_weighted_near_zero_breaks_ties_and_lends_its_similarities() -> None:
    """MiniLM's ranking of a Spanish question is kept, nearly weightless: it only orders
    what the keywords left tied, and its similarities still reach the relevance bar."""
    fused = fuse_rankings([([1, 2], 1.0)], [([(9, 0.8), (2, 0.6), (1, 0.5)], 0.05)])
    assert [c.chunk_id for c in fused] == [1, 2, 9]
    assert fused[0].similarity == 0.5
    assert fused[2].keyword_rank is None
    # Two keyword rankings (a question and its translation): each id keeps its best rank.
    both = fuse_rankings([([5, 6], 1.0), ([6, 7], 0.75)], [])
    assert [c.chunk_id for c in both] == [6, 5, 7]
    assert both[0].keyword_rank == 1
