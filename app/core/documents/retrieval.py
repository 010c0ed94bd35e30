"""Hybrid retrieval: keyword and vector rankings fused by reciprocal rank fusion.

Keywords catch codes, names and exact terms ("lote L-4471") that a small
embedding model blurs; vectors catch paraphrases that share no word with the
passage. Reciprocal rank fusion (Cormack et al., 2009) adds 1 / (K + rank)
from each ranking, so neither score scale has to be calibrated against the
other. Results are spread over pages (one passage per page), so five
sources are five places to look.

Whether anything relevant was found at all is decided on the best passages
from two signals: cosine similarity, and the share of the question's content
words the passage contains, each word weighted by its rarity in the library
(IDF), so that common words ("tiempo", "años") prove little and a code or a
name proves a lot. Below the bar the answer is "nothing found", never an
invention.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

RRF_K = 60
# The relevance bar, set with `python -m bench.chunking --gate` on the test corpus
# (48 of 49 answerable questions pass, none of the 6 unanswerable ones).
# all-MiniLM-L6-v2 is an English model that rates any two Spanish texts as somewhat
# similar (0.4-0.5), so similarity alone must be high, or be backed by rare words.
# Each rule is (minimum similarity, minimum IDF-weighted word coverage); the last one
# asks for words alone: a Spanish question and an English passage can have a negative
# cosine similarity under an English model, yet share the translated question's words.
RELEVANCE_RULES = ((0.60, 0.0), (0.45, 0.20), (0.33, 0.25), (-1.0, 0.40))
WEAK_SIMILARITY = 0.45  # a passage sharing no word is kept only above this

_WORD = re.compile(r"\w+(?:[-./]\w+)*", re.UNICODE)

# Function words of Spanish and English, accent-folded; they say nothing about the topic.
_STOPWORD_TEXT = """
    a al algo algun alguna algunas alguno algunos ante antes aquel aquella aquello aquellos asi
    aun aunque bajo bien cada casi como con contra cual cuales cualquier cuando cuanta cuantas
    cuanto cuantos de del desde donde dos durante e el ella ellas ello ellos en entre era eran
    eres es esa esas ese eso esos esta estaba estado estan estar estas este esto estos estoy fue
    fueron ha habia hace hacen hacer han hasta hay la las le les lo los mas me mi mis mucho muy
    nada ni no nos nosotros o otra otras otro otros para pero poco por porque puede pueden que
    quien quienes se segun ser si sin sobre son su sus tambien tan tanto te tener tiene tienen
    todo todos tu tus un una unas uno unos usted ustedes y ya yo debe deben hay cual cuales
    about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further
    had has have having he her here hers him his how i if in into is it its itself just me more
    most my no nor not now of off on once only or other our out over own same she should so some
    such than that the their them then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your tell
    please give show list find explain describe many much long
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def fold(text: str) -> str:
    """Lower case without accents, as the FTS5 tokenizer sees text."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def content_terms(question: str) -> list[str]:
    """The question's words that carry meaning, folded, in order, without repeats.

    Codes stay whole ("t-12", "14.3"): FTS5 reads a quoted one as a phrase of
    adjacent tokens, which is exactly the code.
    """
    terms: list[str] = []
    for match in _WORD.finditer(fold(question)):
        word = match[0]
        if (len(word) > 1 or word.isdigit()) and word not in STOPWORDS and word not in terms:
            terms.append(word)
    return terms


def keyword_query(terms: Sequence[str]) -> str:
    """An FTS5 query matching any term; long words also match by prefix, as a crude stemmer
    for Spanish and English inflections (temperatura/temperaturas, test/tested)."""
    parts: list[str] = []
    for term in terms:
        parts.append(f'"{term}"')
        if _stem(term) != term:
            parts.append(f'"{_stem(term)}"*')
    return " OR ".join(parts)


def coverage(terms: Sequence[str], text: str, weights: Sequence[float] | None = None) -> float:
    """Share of `terms` found in `text` (folded, by word prefix like the keyword query),
    each term counting for its weight (1 when no weights are given)."""
    if not terms:
        return 0.0
    weights = weights or [1.0] * len(terms)
    total = sum(weights)
    if total <= 0:
        return 0.0
    words = set(_WORD.findall(fold(text)))
    found = 0.0
    for term, weight in zip(terms, weights, strict=True):
        stem = _stem(term)
        if term in words or any(word.startswith(stem) for word in words):
            found += weight
    return found / total


def term_query(term: str) -> str:
    """The FTS5 query for one term, as `keyword_query` matches it."""
    return keyword_query([term])


def idf(document_frequency: int, passages: int) -> float:
    return math.log((passages + 1) / (document_frequency + 1))


def _stem(term: str) -> str:
    if len(term) < 6 or any(c.isdigit() for c in term):
        return term
    return term[: max(5, len(term) - 2)]


@dataclass(frozen=True)
class Candidate:
    chunk_id: int
    score: float  # fused, scaled so that first in both rankings is 1.0
    similarity: float | None  # cosine similarity, when the vector ranking had it
    keyword_rank: int | None
    vector_rank: int | None


def fuse(keyword_ids: Sequence[int], vector_hits: Sequence[tuple[int, float]]) -> list[Candidate]:
    """Reciprocal rank fusion of a keyword ranking and a (chunk id, similarity) ranking."""
    return fuse_rankings([(keyword_ids, 1.0)], [(vector_hits, 1.0)])


def fuse_rankings(
    keyword_rankings: Sequence[tuple[Sequence[int], float]],
    vector_rankings: Sequence[tuple[Sequence[tuple[int, float]], float]],
    keyword_strength: Sequence[dict[int, float]] = (),
) -> list[Candidate]:
    """Weighted reciprocal rank fusion of keyword rankings and (chunk id, similarity) rankings.

    Each ranking comes with its weight: a ranking known to be unreliable (the
    vectors of a language the embedding model was not trained on) counts for
    little or nothing, yet still lends its similarities to the relevance bar.
    A candidate's rank of each kind is its best in any ranking of that kind,
    and its similarity the highest found. The score is scaled so that first in
    one keyword and one vector ranking of weight 1 is 1.0.
    """
    scores: dict[int, float] = {}
    keyword_rank: dict[int, int] = {}
    vector_rank: dict[int, int] = {}
    similarity: dict[int, float] = {}
    for number, (ranking, weight) in enumerate(keyword_rankings):
        strength = keyword_strength[number] if number < len(keyword_strength) else {}
        for rank, chunk_id in enumerate(ranking, start=1):
            keyword_rank[chunk_id] = min(rank, keyword_rank.get(chunk_id, rank))
            factor = strength.get(chunk_id, 1.0)
            scores[chunk_id] = scores.get(chunk_id, 0.0) + weight * factor / (RRF_K + rank)
    for hits, weight in vector_rankings:
        for rank, (chunk_id, sim) in enumerate(hits, start=1):
            vector_rank[chunk_id] = min(rank, vector_rank.get(chunk_id, rank))
            similarity[chunk_id] = max(sim, similarity.get(chunk_id, sim))
            scores[chunk_id] = scores.get(chunk_id, 0.0) + weight / (RRF_K + rank)
    best = 2.0 / (RRF_K + 1)
    ranked = sorted(scores, key=lambda i: (-scores[i], i))
    return [
        Candidate(i, scores[i] / best, similarity.get(i), keyword_rank.get(i), vector_rank.get(i))
        for i in ranked
    ]


def is_relevant(similarity: float | None, weighted_coverage: float) -> bool:
    """Whether a passage shows that the library holds an answer."""
    sim = similarity if similarity is not None else 0.0
    return any(sim >= low and weighted_coverage >= words for low, words in RELEVANCE_RULES)


def worth_citing(similarity: float | None, weighted_coverage: float) -> bool:
    """Once something relevant was found, whether this passage may join it as a source."""
    return weighted_coverage > 0 or (similarity or 0.0) >= WEAK_SIMILARITY
