"""Grounding without the model: the sentences of the sources that answer a question,
and the sentences of an answer that no source supports.

A small model may answer badly, but the passages it was given are right there:
the sentences that share the most (and the rarest) words with the question are
shown at once as quotes, each with its exact place on its page, before a single
token is generated. After the answer, each of its sentences is checked the same
cheap way: one that shares too few words with every source, or states a number
no source contains, is marked so the reader knows not to trust it.

Everything here is word matching on a few passages (no model, no embedder),
so it runs in a few milliseconds. Words are compared as the keyword search
compares them: folded (case and accents), by prefix for long words.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from app.core.documents.chunking import sentence_spans
from app.core.documents.records import Quote, Source
from app.core.documents.retrieval import content_terms, coverage, fold

MAX_QUOTE_CHARS = 320  # a longer sentence is cut to a window around the words it matches
MIN_QUOTE_WORDS = 4  # shorter "sentences" of prose are headings or labels, not answers
MIN_LINE_WORDS = 2  # in a table or source code a line is the unit: "LIMIT = 45" can answer
HEADING_WORDS = 8  # a line of prose this short, without a full stop, is taken for a heading
WRAPPED_LINE = 45  # a line of prose at least this long that ends without a stop goes on
LINE_KINDS = frozenset({"csv", "code"})  # formats whose lines are not wrapped prose
PER_SOURCE = 2  # quotes from one source at most, so several sources can speak
NUMBER_BONUS = 0.15  # for a sentence stating a number, when the question asks for an amount
RELATIVE_FLOOR = 0.5  # a quote scores at least this share of the best quote's score
SUPPORT_SHARE = 0.5  # an answer sentence is supported when a source has this share of its words
CONTINUED_CHARS = 250  # a quote goes on into the sentences after it while shorter than this
CONTINUED_PIECES = 3  # or while they announce more, taking at most this many of them,
MAX_CONTINUED_CHARS = 480  # and never growing longer than this

# The same word pattern as the keyword search, so that codes ("t-12", "14.3") stay whole.
_WORD = re.compile(r"\w+(?:[-./]\w+)*", re.UNICODE)
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*")
_CITATION = re.compile(r"\[\d+(?:\s*[,;]\s*\d+)*\]")
# Questions after an amount, a duration or a date, in Spanish and English (folded), and
# sentences that state one (digits, or a number written out).
_ASKS_AMOUNT = re.compile(
    r"\b(?:cuant[oa]s?|cuando|how (?:long|much|many|often|quickly|soon|large|big|far|high|old)|"
    r"when|by when|hasta (?:cuando|que)|(?:que|what|which) (?:dosis|dose|valor|value|nivel|level|"
    r"puntuacion|score|temperatura|temperature|fecha|date|hora|time|ciclos?|cycles?|plazo|"
    r"porcentaje|percentage|cantidad|amount|tamano|size|longitud|length|precio|price)|"
    r"a que (?:dosis|hora|temperatura))\b"
)
_STATES_AMOUNT = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
    r"thirty|forty|fifty|sixty|ninety|hundred|uno|dos|tres|cuatro|cinco|seis|siete|ocho|"
    r"nueve|diez|doce|quince|veinte|treinta|cuarenta|cincuenta|sesenta|noventa|cien|ciento)\b",
    re.IGNORECASE,
)
# "The documents do not say ...": a sentence that claims nothing from the sources.
_DECLINES = re.compile(
    r"\b(?:do|does|did) not (?:say|mention|state|specify)|\b(?:don't|doesn't) (?:say|mention)|"
    r"\bno (?:se |lo )?(?:dicen?|mencionan?|indican?|especifican?)\b",
    re.IGNORECASE,
)
_STOPPED = re.compile(r"""[.!?…:;]["')\]»”’]*$""")
_LIST_ITEM = re.compile(r"(?:[-*•]|\d+[.)])\s")
_LIST_MARKER = re.compile(r"\d{1,3}[.)]")


@dataclass(frozen=True)
class _Sentence:
    source: Source
    start: int  # offsets in source.text
    end: int
    word_count: int
    matched: frozenset[str]  # question terms found in it


class _TermMatcher:
    """The question terms a word of a document matches, remembered per word.

    `coverage` is the one definition of a match (same folded word, or same stem
    for long words); a cheap prefix test skips the terms that cannot match, and
    each distinct word is folded and tested once (documents repeat their words).
    """

    def __init__(self, terms: Sequence[str]) -> None:
        self.terms = list(terms)
        self._known: dict[str, frozenset[str]] = {}

    def matches(self, word: str) -> frozenset[str]:
        known = self._known.get(word)
        if known is None:
            folded = fold(word)
            known = self._known[word] = frozenset(
                term
                for term in self.terms
                if folded.startswith(term[:5]) and coverage([term], folded) > 0
            )
        return known


def find_quotes(question: str, sources: Sequence[Source], limit: int = 3) -> list[Quote]:
    """The sentences of `sources` that best answer `question`, best first.

    A sentence scores the share of the question's content words it contains,
    each weighted by its rarity among the sentences at hand (a code or a name
    found in one sentence says more than a word found in all of them). A
    question that asks for an amount, a time or a date ("how long", "¿cuánto?")
    also favours sentences that state a number. Ties go to the better-ranked
    source, then to the shorter sentence. At most PER_SOURCE quotes come from
    one source, and a sentence repeated on several pages is quoted once; a
    sentence without any question word is never a quote. Offsets are in the
    page's text, like Source's.
    """
    terms = content_terms(question)
    if not terms or limit <= 0:
        return []
    matcher = _TermMatcher(terms)
    sentences = [s for source in sources for s in _sentences(source, matcher) if s.matched]
    if not sentences:
        return []
    weights = _rarity_weights(terms, sentences)
    total = sum(weights.values())
    wants_number = bool(_ASKS_AMOUNT.search(fold(question)))
    scored: list[tuple[float, _Sentence]] = []
    for sentence in sentences:
        share = sum(weights[t] for t in sentence.matched) / total
        text = sentence.source.text[sentence.start : sentence.end]
        if wants_number and _STATES_AMOUNT.search(text):
            share += NUMBER_BONUS
        # Tie-breakers worth less than any difference in matched words.
        rank_bonus = 0.01 / max(sentence.source.n, 1)
        brevity_bonus = 0.001 / (1 + sentence.word_count)
        scored.append((share + rank_bonus + brevity_bonus, sentence))
    scored.sort(key=lambda item: (-item[0], item[1].source.n, item[1].start))
    best = scored[0][0]
    quotes: list[Quote] = []
    per_source: dict[int, int] = {}
    seen: set[str] = set()
    extended: dict[int, tuple[str, list[tuple[int, int]]]] = {}

    def extended_of(source: Source) -> tuple[str, list[tuple[int, int]]]:
        """The source's text with the page's text after it, and its sentences."""
        if source.n not in extended:
            text = source.text + source.following
            extended[source.n] = (text, _sentence_spans_of(replace(source, text=text)))
        return extended[source.n]

    for score, sentence in scored:
        if score < best * RELATIVE_FLOOR or len(quotes) >= limit:
            break
        source = sentence.source
        said = " ".join(source.text[sentence.start : sentence.end].split()).casefold()
        if per_source.get(source.n, 0) >= PER_SOURCE or said in seen:
            continue
        taken = [(q.start - source.start, q.end - source.start) for q in quotes if q.n == source.n]
        if any(start <= sentence.start < end for start, end in taken):
            continue  # a better quote carried on into this sentence already
        per_source[source.n] = per_source.get(source.n, 0) + 1
        seen.add(said)
        start, end = _window(sentence, matcher, weights)
        text, spans = extended_of(source)
        if end == sentence.end:
            carried = _continued(text, spans, start, end)
            if not any(start < other_start < carried for other_start, _ in taken):
                end = carried
        quotes.append(
            Quote(
                n=source.n,
                path=source.path,
                page=source.page,
                text=text[start:end],
                start=source.start + start,
                end=source.start + end,
                score=round(score, 6),
            )
        )
    return quotes


def _sentences(source: Source, matcher: _TermMatcher) -> list[_Sentence]:
    """The sentences of `source` that could be quotes, with the question terms in each."""
    text = source.text
    lines = source.kind in LINE_KINDS
    found: list[_Sentence] = []
    for start, end in _sentence_spans_of(source):
        words = _WORD.findall(text, start, end)
        if len(words) < (MIN_LINE_WORDS if lines else MIN_QUOTE_WORDS):
            continue
        if not lines and len(words) < HEADING_WORDS and not _STOPPED.search(text[start:end]):
            continue  # a heading: it names the topic, it does not answer
        matched = frozenset().union(*map(matcher.matches, words))
        found.append(_Sentence(source, start, end, len(words), matched))
    return found


def _sentence_spans_of(source: Source) -> list[tuple[int, int]]:
    """The sentences of a passage of prose, or the lines of a table or of source code."""
    if source.kind in LINE_KINDS:
        return sentence_spans(source.text)
    return prose_sentence_spans(source.text)


def prose_sentence_spans(text: str) -> list[tuple[int, int]]:
    """`sentence_spans`, with the lines of a wrapped paragraph joined again.

    PDF pages (and hard-wrapped text files) break every line, and
    `sentence_spans` takes a line break for the end of a sentence. A line goes
    on into the next when it ends without a stop and is long (a wrapped line,
    not a heading) or the next one starts in lower case, and the next one is
    not a list item.
    """
    merged: list[tuple[int, int]] = []
    for start, end in sentence_spans(text):
        if merged:
            previous_start, previous_end = merged[-1]
            last_line = text[previous_start:previous_end].rsplit("\n", 1)[-1]
            following = text[start:end]
            if (
                text.count("\n", previous_end, start) == 1
                and not _STOPPED.search(last_line)
                and (len(last_line) >= WRAPPED_LINE or following[:1].islower())
                and not _LIST_ITEM.match(following)
            ):
                merged[-1] = (previous_start, end)
                continue
        merged.append((start, end))
    return merged


def _continued(text: str, spans: Sequence[tuple[int, int]], start: int, end: int) -> int:
    """Where a quote ending at `end` ends once carried on into the sentences after it.

    The sentence that shares the question's words often only names the topic
    ("One way to fix this is a cron job that restarts ntp.", "Forward these ports:",
    a FAQ's question); the answer, a command or a value, comes next, sometimes in
    the text that follows the passage on its page (`Source.following`). So a quote
    takes the following sentence, and goes on while it is shorter than
    CONTINUED_CHARS, or what it took announces more (ends with a colon) or is a stub
    (a list number "1."), for at most CONTINUED_PIECES sentences and never past
    MAX_CONTINUED_CHARS. A page number alone is never taken.
    `text` is source.text + source.following, and `spans` its sentences.
    """
    pieces = 0
    for piece_start, piece_end in spans:
        if piece_start < end:
            continue
        piece = text[piece_start:piece_end]
        if piece.isdigit() or piece_end - start > MAX_CONTINUED_CHARS:
            break
        end, pieces = piece_end, pieces + 1
        announces = piece.endswith(":")
        stub = len(_WORD.findall(piece)) < MIN_QUOTE_WORDS
        if pieces >= CONTINUED_PIECES or not (announces or stub or end - start < CONTINUED_CHARS):
            break
    return end


def _rarity_weights(terms: Sequence[str], sentences: Sequence[_Sentence]) -> dict[str, float]:
    """1 + IDF of each term over the candidate sentences: never zero, higher when rare."""
    count = len(sentences)
    return {
        term: 1.0 + math.log((count + 1) / (1 + sum(term in s.matched for s in sentences)))
        for term in terms
    }


def _window(
    sentence: _Sentence, matcher: _TermMatcher, weights: dict[str, float]
) -> tuple[int, int]:
    """The sentence, or for a long one a stretch of at most MAX_QUOTE_CHARS, cut at word
    boundaries: the one holding the most weight of matched words, widened evenly on both
    sides of them (the answer is usually next to the words of the question, not at the
    edge of the stretch). Offsets in source.text."""
    if sentence.end - sentence.start <= MAX_QUOTE_CHARS:
        return sentence.start, sentence.end
    words = list(_WORD.finditer(sentence.source.text, sentence.start, sentence.end))
    value = [sum(weights[t] for t in matcher.matches(word[0])) for word in words]
    best_value, best = -1.0, (0, 0)
    last = 0
    for first in range(len(words)):
        last = max(last, first)
        while (
            last + 1 < len(words)
            and words[last + 1].end() - words[first].start() <= MAX_QUOTE_CHARS
        ):
            last += 1
        total = sum(value[first : last + 1])
        if total > best_value:
            best_value, best = total, (first, last)
    matched = [i for i in range(best[0], best[1] + 1) if value[i] > 0] or [best[0]]
    first, last = matched[0], matched[-1]
    grown = True
    while grown:
        grown = False
        if (
            last + 1 < len(words)
            and words[last + 1].end() - words[first].start() <= MAX_QUOTE_CHARS
        ):
            last, grown = last + 1, True
        if first > 0 and words[last].end() - words[first - 1].start() <= MAX_QUOTE_CHARS:
            first, grown = first - 1, True
    start = sentence.start if first == 0 else words[first].start()
    end = sentence.end if last == len(words) - 1 else words[last].end()
    return start, end


def unsupported_spans(answer: str, sources: Sequence[Source]) -> tuple[tuple[int, int], ...]:
    """(start, end) in `answer` of each sentence no source supports.

    A sentence is supported when one source contains at least SUPPORT_SHARE of
    its content words (citations like [2] and numbers left out) and every number
    it states appears in some source. One shared word is not enough: every
    answer repeats the question's words, which the sources contain by
    construction. A sentence with fewer than two content words and no number
    ("Yes.", "See [2].") claims too little to judge, and one that says the
    documents do not say something claims nothing from them: neither is marked.
    """
    if not sources:
        return ()
    numbers = {_number_key(m[0]) for s in sources for m in _NUMBER.finditer(s.text)}
    marked: list[tuple[int, int]] = []
    for start, end in sentence_spans(answer):
        if _LIST_MARKER.fullmatch(answer[start:end]):
            continue  # "7." numbers an item of a list; it states nothing
        sentence = _CITATION.sub(" ", answer[start:end])
        stated = [_number_key(m[0]) for m in _NUMBER.finditer(sentence)]
        words = [t for t in content_terms(sentence) if not _NUMBER.fullmatch(t)]
        if (len(words) < 2 and not stated) or _DECLINES.search(sentence):
            continue
        worded = not words or max(coverage(words, s.text) for s in sources) >= SUPPORT_SHARE
        if not worded or any(n not in numbers for n in stated):
            marked.append((start, end))
    return tuple(marked)


def _number_key(number: str) -> str:
    """Spanish writes "6,5" where English writes "6.5": one number to compare."""
    return number.replace(",", ".")
