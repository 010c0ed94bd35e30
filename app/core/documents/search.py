"""How a question finds its passages: the search policy over the two indexes.

Keyword rankings (one per phrasing of the question, each kept to passages in
its own language) and the vector ranking are fused, one passage is kept per
page, and the relevance bar decides whether anything is worth citing. The
scoring pieces are in `retrieval.py`; the weights here were measured on real
manuals (bench/realdocs.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from app.core.documents.document_index import Catalog, StoredChunk
from app.core.documents.embedder import Embedder
from app.core.documents.language import Language, clear_language_of, language_of, languages_in
from app.core.documents.libraries import check_library_name
from app.core.documents.records import Source
from app.core.documents.retrieval import (
    Candidate,
    content_terms,
    coverage,
    fuse_rankings,
    idf,
    is_relevant,
    keyword_query,
    term_query,
    worth_citing,
)
from app.core.documents.vectors import VectorIndex
from app.core.errors import DocumentError

CANDIDATES = 40  # passages taken from each ranking before fusion
PSEUDO_PAGE = 3000  # characters: how far apart two passages of a page-less file must be
FOLLOWING_CHARS = 600  # of the page after a passage, for its quotes to carry on into

# Weights in the fusion of rankings, measured on real manuals (bench/realdocs.py).
TRANSLATION_WEIGHT = 0.75
STRENGTH_FLOOR = 0.5
UNTRAINED_LANGUAGE_WEIGHT = 0.05  # measured on real manuals: 0.25 already lost pages
LANGUAGE_SAMPLE = 300  # passages looked at to tell which languages a library is in


def library_languages(catalog: Catalog, library: str) -> frozenset[Language]:
    """The languages a fair share of the library's passages are written in."""
    found = catalog.library(check_library_name(library))
    if found is None:
        return frozenset()
    return languages_in(catalog.sample_texts(found.id, LANGUAGE_SAMPLE))


def reads_language(embedder: Embedder, language: Language) -> bool:
    """Whether the embedding model was trained on `language` (unknown models: assume so)."""
    manifest = embedder.manifest
    return manifest is None or not manifest.languages or language in manifest.languages


def term_weights(catalog: Catalog, terms: Sequence[str]) -> list[float]:
    """IDF of each term: rare words weigh more as evidence."""
    passages = catalog.passage_count()
    return [idf(catalog.document_frequency(term_query(term)), passages) for term in terms]


def search_library(
    catalog: Catalog,
    vectors: VectorIndex,
    embedder: Callable[[str | None], Embedder],
    query: str,
    library: str,
    k: int,
    mode: str,
    also: Sequence[str],
) -> list[Source]:
    """The `k` most relevant passages, numbered from 1; [] when nothing is relevant.

    `also` holds other phrasings of the query, such as its translation into
    the library's other language: each is searched too, and all rankings are
    fused, so an English question finds a Spanish passage by its Spanish words.
    `mode` "keyword" or "vector" uses one index alone (for measuring).
    """
    if not query.strip():
        raise DocumentError("Type a question or some words to search for.")
    if mode not in ("hybrid", "keyword", "vector"):
        raise ValueError(f"unknown search mode {mode!r}")
    found = catalog.library(check_library_name(library))
    if found is None:
        return []
    queries = [query.strip()]
    queries += [q for q in dict.fromkeys(a.strip() for a in also) if q and q not in queries]
    phrasings = [content_terms(q) for q in queries]
    # (phrasing number, ranking, language its hits must be in)
    keyword_rankings: list[tuple[int, list[int], Language | None]] = []
    if mode != "vector":
        # With a translation, each phrasing's words look for passages in its own
        # language: English words that happen to occur in a Spanish passage (a
        # command, a name) are better found by the Spanish phrasing.
        translated = len(queries) > 1
        keyword_rankings = [
            (
                number,
                catalog.keyword_search(found.id, keyword_query(terms), CANDIDATES),
                language_of(text) if translated else None,
            )
            for number, (text, terms) in enumerate(zip(queries, phrasings, strict=True))
            if terms
        ]
    vector_hits: list[tuple[int, float]] = []
    vector_weight = 1.0
    if mode != "keyword":
        # Only the question itself is embedded: on real manuals the vector of a
        # translation by the small starter model added more noise than pages found.
        model = embedder(found.embedding_model)
        vector_hits = vectors.query(found.id, model.encode([query])[0], CANDIDATES)
        if mode == "hybrid" and not reads_language(model, language_of(query)):
            # A model that was not trained on the question's language (MiniLM and
            # Spanish) ranks by accident; its similarities still feed the relevance bar.
            vector_weight = UNTRAINED_LANGUAGE_WEIGHT
    stored = catalog.chunks(
        list({i for _, ids, _ in keyword_rankings for i in ids} | {i for i, _ in vector_hits})
    )
    hybrid = mode == "hybrid"
    weighted = [(terms, term_weights(catalog, terms)) for terms in phrasings] if hybrid else []
    lanes = [(n, _in_language(ids, lane, stored)) for n, ids, lane in keyword_rankings]
    strength: list[dict[int, float]] = []
    if hybrid and len(queries) > 1:
        # Across languages, a rank says little: the best Spanish match for "use" may
        # be one common word. Each hit counts for the share of its phrasing's words
        # (IDF-weighted) it holds.
        for n, ids in lanes:
            terms, weights = weighted[n]
            strength.append(
                {i: STRENGTH_FLOOR + coverage(terms, stored[i].text, weights) for i in ids}
            )
    candidates = fuse_rankings(
        [(ids, 1.0 if n == 0 else TRANSLATION_WEIGHT) for n, ids in lanes],
        [(vector_hits, vector_weight)] if vector_hits else [],
        strength,
    )
    chosen: list[tuple[Candidate, StoredChunk, float]] = []
    places: set[tuple[str, int]] = set()
    for candidate in candidates:
        chunk = stored.get(candidate.chunk_id)
        if chunk is None:  # its file is being rewritten or was removed
            continue
        place = (
            chunk.path,
            chunk.page if chunk.page is not None else -(chunk.start // PSEUDO_PAGE),
        )
        if place in places:  # one passage per page: five sources, five places
            continue
        places.add(place)
        # Measured on real manuals: discounting a translation's words here (x0.75)
        # turned 2 of 14 answerable cross-language questions into "nothing found"
        # to reject 1 of 6 unanswerable ones; counted in full, none is lost.
        best_coverage = max(
            (coverage(terms, chunk.text, weights) for terms, weights in weighted), default=0.0
        )
        chosen.append((candidate, chunk, best_coverage))
        if len(chosen) == k:
            break
    if hybrid:
        # The single-index modes rank without the relevance bar, to measure ranking alone.
        if not any(is_relevant(c.similarity, cov) for c, _, cov in chosen):
            return []
        chosen = [item for item in chosen if worth_citing(item[0].similarity, item[2])]
    return [
        Source(
            n=n,
            path=chunk.path,
            page=chunk.page,
            text=chunk.text,
            score=candidate.score,
            start=chunk.start,
            end=chunk.end,
            kind=chunk.kind,
            following=catalog.following_text(chunk, FOLLOWING_CHARS),
        )
        for n, (candidate, chunk, _) in enumerate(chosen, start=1)
    ]


def _in_language(
    ids: Sequence[int], language: Language | None, stored: dict[int, StoredChunk]
) -> list[int]:
    """`ids` whose passage is in `language` or has no clear language (all when None)."""
    if language is None:
        return list(ids)
    return [i for i in ids if i in stored and clear_language_of(stored[i].text) in (language, None)]
