"""Summarising a whole document, however long: summarise in parts, then combine.

Map: the document's pages are cut into parts that fit the model's context with
room for the instruction and the answer (`split_into_parts`), and the model
gives a few key points for each part, in the document's language. Reduce: when
there are more points than the chosen length allows, consecutive points are
combined by the model, level after level, each level fitting the context.

The model never says where a point came from. Each point is matched, by its
words, against the passages of its part (about a paragraph each, with their
page and section), and cites the best-matching pages; a point whose words are
not in its part is the model's invention and is dropped. A part for which the
model gave no usable point contributes its most representative sentence
instead, so every part of the document is covered. Combined points inherit the
pages of the points they match. Cited pages are numbered [1], [2]… in page order.

Memory stays bounded: parts are summarised one at a time and only their points
are kept. After each part the job reports `progress("parts", done, total)` and
the summary so far (`update`); a cancelled job returns what it finished, marked
partial.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from app.core.cancel import CancelToken
from app.core.chat.prompt import ChatMessage, PlainFormat
from app.core.chat.translation import GREEDY
from app.core.documents.language import LANGUAGE_NAMES, Language, language_of
from app.core.documents.records import Page, Source
from app.core.models.engine import Engine
from app.core.models.worker import ModelJobContext
from app.core.tasks.pages import Document, Part, split_into_parts

SummaryLength = Literal["short", "page", "sections"]
# How many points each length keeps: in all ("short", "page") or per section.
POINT_LIMITS: dict[SummaryLength, int] = {"short": 5, "page": 15, "sections": 4}
POINTS_PER_PART = 4  # the model's first points for one part; the rest are dropped
POINT_WORDS = 45  # a longer point is the model copying out the text: cut to its first sentences
MAX_CITED_PAGES = 3  # a point cites at most this many pages
_ANSWER_TOKENS = 160  # room for one part's points (less in a small context)
_LABEL_TOKENS = 8  # a page label and a line break, counted on every piece to be safe
_SEGMENT_WORDS = 60  # passages that points are matched against: about a paragraph
_GROUNDED = 0.4  # share of a point's words that must be found in its part
_NEAR_BEST = 0.8  # pages matching at least this share of the best match are cited too
_MAX_LEVELS = 6  # combining levels before the remaining points are cut by rank


@dataclass(frozen=True)
class SummaryPoint:
    """One point of a summary, with the pages it came from and their [n]."""

    text: str
    sources: tuple[int, ...]  # the [n] of each cited page, in page order
    pages: tuple[int | None, ...]  # the cited pages (None for a file without pages)
    parts: tuple[int, ...]  # the 1-based parts of the document it summarises
    section: str | None = None  # the section heading it falls under, when one was found

    def to_json(self) -> dict[str, object]:
        return {
            "text": self.text,
            "sources": list(self.sources),
            "pages": list(self.pages),
            "section": self.section,
        }


@dataclass(frozen=True)
class Summary:
    points: tuple[SummaryPoint, ...]
    sources: tuple[Source, ...]  # the cited pages, numbered [1], [2]… in page order
    length: SummaryLength
    parts_done: int
    parts_total: int
    partial: bool  # True when the job was cancelled before the end
    seconds: float
    seconds_per_page: float

    def to_json(self) -> dict[str, object]:
        return {
            "points": [point.to_json() for point in self.points],
            "sources": [{"n": s.n, "page": s.page, "path": s.path} for s in self.sources],
            "length": self.length,
            "parts": {"done": self.parts_done, "total": self.parts_total},
            "partial": self.partial,
            "seconds": round(self.seconds, 3),
            "seconds_per_page": round(self.seconds_per_page, 3),
        }


def summarize_document(
    ctx: ModelJobContext,
    document: Document,
    length: SummaryLength,
    *,
    answer_tokens: int | None = None,
) -> Summary:
    """Summarise every page of `document` (see the module's docstring).

    `answer_tokens` caps each answer of the model (by default a share of the context).
    """
    started = time.perf_counter()
    engine = ctx.engine
    language = language_of(_sample(document.pages))
    wording = _WORDING[language]
    room = answer_tokens or min(_ANSWER_TOKENS, engine.context_length // 4)
    overhead = len(_map_prompt(engine, wording, ""))
    budget = engine.context_length - overhead - room - 16
    parts = split_into_parts(
        document.pages, lambda text: len(engine.tokenize(text)) + _LABEL_TOKENS, budget
    )
    total = len(parts)
    points: list[_Point] = []
    section: str | None = None
    done = 0
    pages_done: set[int | None] = set()
    ctx.progress("parts", 0, total)
    for index, part in enumerate(parts, start=1):
        if ctx.cancel.cancelled:
            break
        found, section, complete = _summarize_part(
            engine, wording, part, index, section, room, ctx.cancel
        )
        if not complete:
            break
        points.extend(found)
        done += 1
        pages_done.update(part.page_numbers)
        ctx.progress("parts", done, total)
        elapsed = time.perf_counter() - started
        ctx.update(_summary(document, points, length, done, total, elapsed, pages_done, False))
    cancelled = done < total
    if not cancelled:
        if length == "sections" and all(p.section is None for p in points):
            points = _sections_by_part(points, parts)  # no heading found: a section a part
        points = _reduce(
            engine,
            wording,
            points,
            length,
            room,
            ctx.cancel,
            lambda done, total: ctx.progress("combining", done, total),
        )
    elapsed = time.perf_counter() - started
    return _summary(document, points, length, done, total, elapsed, pages_done, cancelled)


# --- what the model is shown -----------------------------------------------------------


@dataclass(frozen=True)
class _Wording:
    language: Language
    text: str  # the label before a part's text
    points: str  # the label before its key points
    shorter: str  # the label before fewer points combining several
    page: str
    example_text: str
    example_points: tuple[str, ...]
    example_shorter: tuple[str, ...]


_WORDING: dict[Language, _Wording] = {
    "en": _Wording(
        language="en",
        text="Text",
        points="Key points",
        shorter="The same in fewer points",
        page="Page",
        example_text=(
            "The town library opens Monday to Friday, from 9:00 to 14:00. A book is lent for "
            "fifteen days and the loan can be renewed once. Children under twelve need a "
            "parent's signature to get a library card."
        ),
        example_points=(
            "The library opens on weekdays, from 9:00 to 14:00.",
            "Books are lent for fifteen days; a loan can be renewed once.",
            "Children under twelve need a parent's signature for a card.",
        ),
        example_shorter=(
            "The library opens on weekdays and lends books for fifteen days, renewable once.",
        ),
    ),
    "es": _Wording(
        language="es",
        text="Texto",
        points="Puntos clave",
        shorter="Lo mismo en menos puntos",
        page="Página",
        example_text=(
            "La biblioteca municipal abre de lunes a viernes, de 9:00 a 14:00. El préstamo de "
            "un libro dura quince días y se puede renovar una vez. Los menores de doce años "
            "necesitan la firma de un padre para sacar el carné."
        ),
        example_points=(
            "La biblioteca abre los días laborables, de 9:00 a 14:00.",
            "Los libros se prestan quince días; el préstamo se renueva una vez.",
            "Los menores de doce años necesitan la firma de un padre para el carné.",
        ),
        example_shorter=(
            "La biblioteca abre los días laborables y presta libros quince días, "
            "renovables una vez.",
        ),
    ),
}


def _map_prompt(engine: Engine, wording: _Wording, text: str) -> list[int]:
    """The prompt asking for the key points of `text` (a part, its pages labelled)."""
    if isinstance(engine.prompt_format, PlainFormat):
        # A base model follows no instruction but continues a worked example.
        example = _bullets(wording.example_points)
        return engine.tokenize(
            f"{wording.text}:\n{wording.example_text}\n{wording.points}:\n{example}\n\n"
            f"{wording.text}:\n{engine.neutralize(text)}\n{wording.points}:\n-"
        )
    instruction = (
        f"Summarise the text the user gives in at most {POINTS_PER_PART} key points, in "
        f"{LANGUAGE_NAMES[wording.language]}. Write one point per line, each beginning with "
        '"- ". Say only what the text says; do not mention page numbers.'
    )
    return engine.prompt_tokens([ChatMessage("system", instruction), ChatMessage("user", text)])


def _combine_prompt(engine: Engine, wording: _Wording, points: Sequence[str], k: int) -> list[int]:
    """The prompt asking for `points` said again in at most `k` points."""
    if isinstance(engine.prompt_format, PlainFormat):
        example = _bullets(wording.example_points[:2])
        shorter = _bullets(wording.example_shorter)
        return engine.tokenize(
            f"{wording.points}:\n{example}\n{wording.shorter}:\n{shorter}\n\n"
            f"{wording.points}:\n{engine.neutralize(_bullets(points))}\n{wording.shorter}:\n-"
        )
    instruction = (
        f"Combine the user's points into at most {k} points, in "
        f"{LANGUAGE_NAMES[wording.language]}, keeping what matters most. Write one point per "
        'line, each beginning with "- ".'
    )
    return engine.prompt_tokens(
        [ChatMessage("system", instruction), ChatMessage("user", _bullets(points))]
    )


def _bullets(lines: Sequence[str]) -> str:
    return "\n".join(f"- {line}" for line in lines)


def _part_text(wording: _Wording, part: Part) -> str:
    """The part's pieces, one paragraph each, labelled with their page when they have one."""
    lines = []
    for piece in part.pieces:
        text = " ".join(piece.text.split())
        lines.append(f"({wording.page} {piece.number}) {text}" if piece.number else text)
    return "\n".join(lines)


def _ask(
    engine: Engine,
    wording: _Wording,
    prompt: list[int],
    room: int,
    cancel: CancelToken,
    most: int = POINTS_PER_PART,
) -> tuple[list[str], bool]:
    """The points the model wrote after `prompt`, and whether it was not cancelled.

    Generation stops early once the model has written `most` points or begins to
    repeat one (a small model easily loops on a line), which saves most of the time.
    """
    room = max(1, min(room, engine.context_length - len(prompt)))
    stop = ("\n\n", f"\n{wording.text}:", f"\n{wording.points}:", f"\n{wording.shorter}:")
    generation = engine.generate(prompt, replace(GREEDY, max_tokens=room), cancel, stop)
    plain = isinstance(engine.prompt_format, PlainFormat)
    text = "-" if plain else ""  # a base model's prompt began the first point
    pieces = iter(generation)
    finished = False
    try:
        for piece in pieces:
            text += piece
            *lines, current = text.splitlines() or [""]  # the complete ones, and the last
            if len(current.split()) > POINT_WORDS:  # copying, not summing up: enough
                text, finished = "\n".join([*lines, shortened(current)]), True
                break
            if len(lines) >= most or len(set(lines)) < len(lines):
                text, finished = "\n".join(lines), True
                break
    finally:
        pieces.close()  # type: ignore[attr-defined]  # a generator: stops the model at once
    stats = generation.stats
    if stats is None:  # stopped early, above
        if cancel.cancelled:
            return [], False
    elif stats.finish_reason == "cancelled":
        return [], False
    else:
        finished = stats.finish_reason == "stop"
    return _parse_points(text, finished=finished), True


_BULLET = re.compile(r"^\s*(?:[-*•·]|\d{1,2}[.)])\s*")
_PAGE_MENTION = re.compile(
    r"\((?:page|pages|página|páginas|p\.)\s*[\d\s,–-]+\)|\[\d+(?:\s*,\s*\d+)*\]", re.IGNORECASE
)


def _parse_points(text: str, *, finished: bool) -> list[str]:
    """The bulleted lines of an answer, cleaned; a last line cut by the length limit is
    dropped (a half sentence is not a point) unless it is the only one."""
    lines = [line for line in text.splitlines() if _BULLET.match(line)]
    if not finished and len(lines) > 1:
        lines = lines[:-1]
    points: list[str] = []
    for line in lines:
        point = shortened(" ".join(_PAGE_MENTION.sub("", _BULLET.sub("", line, count=1)).split()))
        if point and point not in points:
            points.append(point)
    return points


def shortened(point: str) -> str:
    """`point` cut to its first sentences within POINT_WORDS words (the first sentence
    cut short, with "…", when it alone is longer)."""
    words = point.split()
    if len(words) <= POINT_WORDS:
        return point
    kept: list[str] = []
    for sentence in _SENTENCE_END.split(point):
        if len(kept) + len(sentence.split()) > POINT_WORDS:
            break
        kept.extend(sentence.split())
    return " ".join(kept) if kept else " ".join(words[:POINT_WORDS]) + "…"


# --- mapping: one part's points, attributed to its pages --------------------------------


@dataclass(frozen=True)
class _Point:
    text: str
    pages: tuple[int | None, ...]
    parts: tuple[int, ...]
    section: str | None
    words: frozenset[str] = field(compare=False)


@dataclass(frozen=True)
class _Passage:
    page: int | None
    section: str | None
    text: str
    words: frozenset[str]


def _summarize_part(
    engine: Engine,
    wording: _Wording,
    part: Part,
    index: int,
    section: str | None,
    room: int,
    cancel: CancelToken,
) -> tuple[list[_Point], str | None, bool]:
    """The part's points, the section heading in force at its end, and whether the
    model finished (False when cancelled)."""
    passages, section = _passages(part, section)
    prompt = _map_prompt(engine, wording, _part_text(wording, part))
    answers, complete = _ask(engine, wording, prompt, room, cancel)
    if not complete:
        return [], section, False
    points: list[_Point] = []
    for text in answers[:POINTS_PER_PART]:
        point = _attribute(text, passages, index)
        if point is not None and not any(_same(point, p) for p in points):
            points.append(point)
    if not points:
        points.append(_representative(passages, index))
    return points, section, True


def _attribute(text: str, passages: Sequence[_Passage], index: int) -> _Point | None:
    """`text` citing the pages of the passages it matches best; None when its words are
    not in the part (the model made it up)."""
    words = _words(text)
    if not words:
        return None
    scores = [len(words & passage.words) / len(words) for passage in passages]
    best = max(scores, default=0.0)
    if best < _GROUNDED:
        return None
    chosen = [p for p, score in zip(passages, scores, strict=True) if score >= _NEAR_BEST * best]
    pages = tuple(sorted(dict.fromkeys(p.page for p in chosen), key=_page_order))
    top = passages[scores.index(best)]
    return _Point(text, pages[:MAX_CITED_PAGES], (index,), top.section, words)


def _representative(passages: Sequence[_Passage], index: int) -> _Point:
    """The sentence of the part that shares most words with the rest of it."""
    counts: dict[str, int] = {}
    for passage in passages:
        for word in passage.words:
            counts[word] = counts.get(word, 0) + 1
    best: tuple[float, str, _Passage] | None = None
    for passage in passages:
        for sentence in _SENTENCE_END.split(passage.text):
            words = _words(sentence)
            if len(sentence.split()) < 5 or len(sentence) > 300:
                continue
            score = sum(counts.get(w, 0) for w in words) / math.sqrt(len(words) or 1)
            if best is None or score > best[0]:
                best = (score, sentence, passage)
    if best is None:  # no sentence of a fair size: the part's first words
        passage = passages[0]
        text = " ".join(passage.text.split()[:30])
        return _Point(text, (passage.page,), (index,), passage.section, _words(text))
    _, sentence, passage = best
    return _Point(sentence.strip(), (passage.page,), (index,), passage.section, _words(sentence))


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n")
_NUMBERED = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[IVX]+\.)\s+\S")
_CHAPTER = re.compile(r"^(?:chapter|cap[ií]tulo|section|secci[oó]n|part|parte)\s+\w+$", re.I)


def is_heading(line: str) -> bool:
    """A short line that reads as a section heading: numbered ("3.", "3.1 Title"), in
    capitals, a Markdown heading, or "Chapter 2"."""
    line = line.strip()
    if not 2 < len(line) <= 80 or line.endswith((",", ";")):
        return False
    words = line.split()
    if line.startswith("#"):
        return True
    if _CHAPTER.match(line):
        return True
    if _NUMBERED.match(line):
        return len(words) <= 10 and not line.endswith(".") and any(c.isalpha() for c in line)
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters) and len(words) <= 10


def _passages(part: Part, section: str | None) -> tuple[list[_Passage], str | None]:
    """The part cut into passages of about a paragraph, each with its page and section."""
    passages: list[_Passage] = []
    for piece in part.pieces:
        lines: list[str] = []
        for line in piece.text.splitlines():
            if is_heading(line):
                _add_passage(passages, piece.number, section, lines)
                section = " ".join(line.lstrip("#").split())
            lines.append(line)
            if sum(len(li.split()) for li in lines) >= _SEGMENT_WORDS:
                _add_passage(passages, piece.number, section, lines)
        _add_passage(passages, piece.number, section, lines)
    if not passages:  # only blank pieces (select_pages drops blank pages, so rare)
        piece = part.pieces[0]
        passages.append(_Passage(piece.number, section, piece.text, _words(piece.text)))
    return passages, section


def _add_passage(
    passages: list[_Passage], page: int | None, section: str | None, lines: list[str]
) -> None:
    """Make `lines` a passage (when they hold text) and empty them for the next."""
    text = "\n".join(lines).strip()
    if text:
        passages.append(_Passage(page, section, text, _words(text)))
    lines.clear()


_WORD = re.compile(r"\w+")
_COMMON = frozenset(  # words of four letters or more that say nothing of the subject
    _WORD.findall(
        "that this with from have which there their they will would been were when what your "
        "also than then them into more most some such only other about these those each does "
        "para como esta este pero más sobre entre cuando donde desde todo todos también puede "
        "pueden sólo solo tiene hace según sino porque"
    )
)


def _words(text: str) -> frozenset[str]:
    """The words that say what a text is about: four letters or more, not the commonest."""
    return frozenset(
        w for w in (m.casefold() for m in _WORD.findall(text)) if len(w) >= 4 and w not in _COMMON
    )


def _same(a: _Point, b: _Point) -> bool:
    """Whether two points say much the same (most of their words shared)."""
    union = a.words | b.words
    return bool(union) and len(a.words & b.words) / len(union) >= 0.8


# --- reducing: fewer points, each keeping its pages -------------------------------------


def _reduce(
    engine: Engine,
    wording: _Wording,
    points: list[_Point],
    length: SummaryLength,
    room: int,
    cancel: CancelToken,
    report: Callable[[int, int], None],
) -> list[_Point]:
    """`points` within the length's limit: in all, or per section for "sections".
    `report(done, total)` follows the combining prompts of each round."""
    limit = POINT_LIMITS[length]
    if length != "sections":
        return _combine_all(engine, wording, points, limit, room, cancel, report)
    reduced: list[_Point] = []
    for group in _groups(points):
        reduced.extend(_combine_all(engine, wording, group, limit, room, cancel, report))
    return reduced


def _groups(points: Sequence[_Point]) -> Iterator[list[_Point]]:
    """Consecutive points under the same section heading."""
    group: list[_Point] = []
    for point in points:
        if group and point.section != group[-1].section:
            yield group
            group = []
        group.append(point)
    if group:
        yield group


def _sections_by_part(points: Sequence[_Point], parts: Sequence[Part]) -> list[_Point]:
    """With no heading found, each part of the document is a section ("Pages 3–7")."""
    labelled = []
    for point in points:
        numbers = [n for n in parts[point.parts[0] - 1].page_numbers if n is not None]
        if numbers:
            first, last = min(numbers), max(numbers)
            label = f"Pages {first}–{last}" if last > first else f"Page {first}"
        else:
            label = f"Part {point.parts[0]}"
        labelled.append(replace(point, section=label))
    return labelled


def _combine_all(
    engine: Engine,
    wording: _Wording,
    points: list[_Point],
    limit: int,
    room: int,
    cancel: CancelToken,
    report: Callable[[int, int], None],
) -> list[_Point]:
    """Combine consecutive points, level after level, until at most `limit` are left."""
    for _ in range(_MAX_LEVELS):
        if len(points) <= limit or cancel.cancelled:
            return points
        combined: list[_Point] = []
        batches = list(_batches(engine, wording, points, room))
        report(0, len(batches))
        for done, batch in enumerate(batches, start=1):
            k = max(1, min(len(batch) - 1, math.ceil(len(batch) * limit / len(points))))
            if len(batch) == 1:
                combined.extend(batch)
                report(done, len(batches))
                continue
            merged = _combine(engine, wording, batch, k, room, cancel)
            if merged is None:  # cancelled: keep this level's points as they were
                return points
            combined.extend(merged)
            report(done, len(batches))
        if len(combined) >= len(points):
            break
        points = combined
    return _ranked(points, limit)


def _batches(
    engine: Engine, wording: _Wording, points: Sequence[_Point], room: int
) -> Iterator[list[_Point]]:
    """Runs of consecutive points that fit one combining prompt (at most eight)."""
    budget = engine.context_length - len(_combine_prompt(engine, wording, [], 1)) - room - 16
    batch: list[_Point] = []
    used = 0
    for point in points:
        size = len(engine.tokenize(point.text)) + 4
        if batch and (used + size > budget or len(batch) >= 8):
            yield batch
            batch, used = [], 0
        batch.append(point)
        used += size
    if batch:
        yield batch


def _combine(
    engine: Engine,
    wording: _Wording,
    batch: Sequence[_Point],
    k: int,
    room: int,
    cancel: CancelToken,
) -> list[_Point] | None:
    """At most `k` points saying what `batch` says, each citing the pages of the points it
    matches; None when cancelled."""
    prompt = _combine_prompt(engine, wording, [p.text for p in batch], k)
    answers, complete = _ask(engine, wording, prompt, room, cancel, most=k)
    if not complete:
        return None
    merged: list[_Point] = []
    for text in answers:
        point = _inherit(text, batch)
        if point is not None and not any(_same(point, p) for p in merged):
            merged.append(point)
        if len(merged) == k:
            break
    return merged or _ranked(list(batch), k)


def _inherit(text: str, batch: Sequence[_Point]) -> _Point | None:
    words = _words(text)
    if not words:
        return None
    scores = [len(words & p.words) / len(words) for p in batch]
    best = max(scores)
    if best < _GROUNDED:
        return None
    chosen = [p for p, score in zip(batch, scores, strict=True) if score >= _NEAR_BEST * best]
    pages = sorted(dict.fromkeys(page for p in chosen for page in p.pages), key=_page_order)
    parts = tuple(sorted({part for p in chosen for part in p.parts}))
    return _Point(text, tuple(pages[:MAX_CITED_PAGES]), parts, chosen[0].section, words)


def _ranked(points: list[_Point], limit: int) -> list[_Point]:
    """The `limit` points sharing most words with the others, in their order."""
    if len(points) <= limit:
        return points

    def centrality(point: _Point) -> float:
        shared = sum(len(point.words & other.words) for other in points if other is not point)
        return shared / math.sqrt(len(point.words) or 1)

    keep = set(sorted(range(len(points)), key=lambda i: -centrality(points[i]))[:limit])
    return [p for i, p in enumerate(points) if i in keep]


# --- the result -------------------------------------------------------------------------


def _summary(
    document: Document,
    points: Sequence[_Point],
    length: SummaryLength,
    done: int,
    total: int,
    seconds: float,
    pages_done: set[int | None],
    partial: bool,
) -> Summary:
    """The points with their pages numbered [1], [2]… in page order."""
    cited = sorted({page for point in points for page in point.pages}, key=_page_order)
    numbers = {page: n for n, page in enumerate(cited, start=1)}
    by_number = {page.number: page for page in document.pages}
    sources = tuple(
        document.source(n, by_number.get(page) or Page(page, "")) for page, n in numbers.items()
    )
    summary_points = tuple(
        SummaryPoint(
            text=p.text,
            sources=tuple(numbers[page] for page in p.pages),
            pages=p.pages,
            parts=p.parts,
            section=p.section,
        )
        for p in points
    )
    return Summary(
        points=summary_points,
        sources=sources,
        length=length,
        parts_done=done,
        parts_total=total,
        partial=partial,
        seconds=seconds,
        seconds_per_page=seconds / max(1, len(pages_done)),
    )


def _page_order(page: int | None) -> int:
    return -1 if page is None else page


def _sample(pages: Sequence[Page], chars: int = 5000) -> str:
    """The document's first `chars` characters, enough to tell its language."""
    text = ""
    for page in pages:
        text += page.text[: chars - len(text)] + "\n"
        if len(text) >= chars:
            break
    return text
