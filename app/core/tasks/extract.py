"""Extracting named fields of a document into a table, each cell with its page.

The model reads the document part by part (`split_into_parts`) and is asked
for each field's value in that part, as a "field: value" line ("not found"
allowed). Which page a value came from is not the model's word: it is found
by looking for the value's text in the part's pages, normalised for case,
accents, spacing and number formats (1.000,50 = 1,000.50). What can be
checked — numbers, dates, capitalised names — is checked against the cited
page, and a value whose checkable bits are not on it is flagged `unverified`
rather than dropped, so the user sees it and looks. Each cited page is a
numbered source ([n]), in page order; progress is reported per part, and a
cancelled job returns the parts it finished, marked partial.
"""

from __future__ import annotations

import csv
import io
import re
import time
import unicodedata
from dataclasses import dataclass, replace

from app.core.chat.prompt import ChatMessage, PlainFormat
from app.core.chat.translation import GREEDY
from app.core.documents.records import Page, Source
from app.core.models.engine import Engine
from app.core.models.worker import ModelJobContext
from app.core.tasks.pages import Document, Part, TaskError, split_into_parts

TEMPLATES: dict[str, tuple[str, ...]] = {
    "contract": ("parties", "dates", "amounts", "obligations", "deadlines"),
    "guideline": ("drug", "dose", "condition"),
    "report": ("measurement", "value", "unit", "specimen"),
}
NOT_FOUND = "not found"
_ANSWER_TOKENS = 64  # a value is a phrase; one running on past this is not a value
_PROMPT_ROOM = 320  # the worked example, the field's name and the answer, in tokens
_MAX_PART_TOKENS = 1024  # small models lose track of longer text
# How a base model is shown the "Field: value" form, "not found" included.
_EXAMPLE = (
    "Text:\nThe lease between Ana Ruiz and Hogar S.L. starts on 1 March 2024. "
    "The rent is 850 euros a month.\n\n"
    "Parties: Ana Ruiz and Hogar S.L.\nAmount: 850 euros\nDeadline: not found\n\n"
)
_EMPTY_ANSWERS = frozenset(
    {"", "not found", "none", "n/a", "na", "-", "unknown", "no encontrado", "ninguno"}
)
_NUMBER = re.compile(r"\d(?:[\d.,]*\d)?")
_PUNCTUATION = str.maketrans("’‘“”–—", "''\"\"--")  # typographic quotes, dashes
_CAPITALISED = re.compile(r"\b[A-ZÁÉÍÓÚÑÜ][\wÁÉÍÓÚÑÜáéíóúñü'’-]+")


@dataclass(frozen=True)
class Cell:
    value: str  # NOT_FOUND when the field was not found
    page: int | None  # the cited page (None: not found, or a format without pages)
    n: int | None  # the [n] source it cites (None: not found)
    found: bool
    unverified: bool = False  # numbers, dates or names in it are not on its cited page

    @property
    def check(self) -> str:
        """How the cell stands, for the table: verified, unverified, or nothing."""
        if not self.found:
            return ""
        return "unverified" if self.unverified else "verified"


NOT_FOUND_CELL = Cell(NOT_FOUND, None, None, found=False)


@dataclass(frozen=True)
class Row:
    field: str
    cell: Cell


@dataclass(frozen=True)
class Extraction:
    path: str
    fields: tuple[str, ...]
    rows: tuple[Row, ...]  # one per field, in the order asked
    sources: tuple[Source, ...]  # the cited pages, numbered [n] in page order
    partial: bool  # cancelled: only the parts finished before were read
    seconds: float

    def cell(self, field: str) -> Cell:
        return next(row.cell for row in self.rows if row.field == field)

    def _table(self) -> list[list[str]]:
        rows = [["field", "value", "page", "source", "check"]]
        for row in self.rows:
            cell = row.cell
            page = "" if cell.page is None else str(cell.page)
            source = "" if cell.n is None else f"[{cell.n}]"
            rows.append([row.field, cell.value, page, source, cell.check])
        return rows

    def to_csv(self) -> str:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(self._table())
        return out.getvalue()

    def to_markdown(self) -> str:
        def line(cells: list[str]) -> str:
            escaped = (" ".join(c.replace("|", "\\|").split()) for c in cells)
            return "| " + " | ".join(escaped) + " |"

        header, *body = self._table()
        lines = [line(header), "| " + " | ".join("---" for _ in header) + " |"]
        lines += [line(cells) for cells in body]
        return "\n".join(lines) + "\n"

    def to_json(self) -> dict[str, object]:
        return {
            "fields": list(self.fields),
            "rows": [
                {
                    "field": row.field,
                    "value": row.cell.value,
                    "page": row.cell.page,
                    "n": row.cell.n,
                    "found": row.cell.found,
                    "unverified": row.cell.unverified,
                }
                for row in self.rows
            ],
            "sources": [source.to_json() for source in self.sources],
            "partial": self.partial,
        }


@dataclass(frozen=True)
class _Candidate:
    value: str
    page_index: int  # into the document's pages
    whole: bool  # the whole value's text is on that page
    unverified: bool


def extract_fields(ctx: ModelJobContext, document: Document, fields: tuple[str, ...]) -> Extraction:
    """A cell per field of `fields`: its value, page and [n], checked against the page."""
    fields = tuple(dict.fromkeys(f.strip() for f in fields if f.strip()))
    if not fields:
        raise TaskError("Name at least one field to extract.")
    started = time.perf_counter()
    engine = ctx.engine

    def count(text: str) -> int:
        return len(engine.tokenize(text))

    budget = min(_MAX_PART_TOKENS, engine.context_length - _PROMPT_ROOM)
    parts = split_into_parts(document.pages, count, budget)
    best: dict[str, _Candidate] = {}
    partial = False

    def result() -> Extraction:
        seconds = time.perf_counter() - started
        return _extraction(document, fields, best, partial, seconds)

    ctx.progress("parts", 0, len(parts))
    for done, part in enumerate(parts, 1):
        found = _read_part(engine, document, part, fields, ctx)
        if found is None:
            partial = True
            break
        for field, candidate in found.items():
            if field not in best or _rank(candidate) < _rank(best[field]):
                best[field] = candidate
        ctx.progress("parts", done, len(parts))
        ctx.update(result())
    return result()


def _rank(candidate: _Candidate) -> tuple[bool, bool]:
    """Lower is better: a checked value first, then one whose whole text is on its page;
    among equals the earlier part wins (candidates come in document order)."""
    return (candidate.unverified, not candidate.whole)


def _read_part(
    engine: Engine, document: Document, part: Part, fields: tuple[str, ...], ctx: ModelJobContext
) -> dict[str, _Candidate] | None:
    """Each field's value in `part`, placed on its page; None when cancelled."""
    text = "\n\n".join(piece.text for piece in part.pieces)
    found: dict[str, _Candidate] = {}
    for field in fields:
        if ctx.cancel.cancelled:
            return None
        answer = _ask(engine, text, field, ctx)
        if ctx.cancel.cancelled:
            return None
        value = parse_answer(field, answer) if answer is not None else None
        if value is not None:
            found[field] = place_value(value, part.pieces, document.pages)
    return found


def _ask(engine: Engine, text: str, field: str, ctx: ModelJobContext) -> str | None:
    """The model's "field: value" line for `field` in `text`; None if it ran on."""
    label = field[:1].upper() + field[1:]
    text = engine.neutralize(text)
    if isinstance(engine.prompt_format, PlainFormat):
        tokens = engine.tokenize(f"{_EXAMPLE}Text:\n{text}\n\n{label}:")
        prefix = f"{label}:"
    else:
        instruction = (
            "Read the user's text and give the value of one field, as it is written in the "
            f'text, on one line: "{label}: value", or "{label}: not found" when the text '
            "does not say. Add nothing else."
        )
        tokens = engine.prompt_tokens(
            [ChatMessage("system", instruction), ChatMessage("user", text)]
        )
        prefix = ""
    sampling = replace(GREEDY, max_tokens=_ANSWER_TOKENS)
    generation = engine.generate(tokens, sampling, ctx.cancel, stop=("\n",) if prefix else ())
    answer = "".join(generation)
    stats = generation.stats
    if stats is not None and stats.finish_reason in ("length", "cancelled"):
        return None
    return prefix + answer


def parse_answer(field: str, answer: str) -> str | None:
    """The value in a model's answer for `field` ("Field: value", a bullet, quotes...),
    or None for "not found" and the like. The first line naming the field wins; an
    answer without the field's name is taken whole when it is one line."""
    wanted = _fold(field)
    lines = [line.strip().lstrip("-*•").strip() for line in answer.strip().splitlines()]
    lines = [line for line in lines if line]
    value: str | None = None
    for line in lines:
        name, colon, rest = line.partition(":")
        if colon and _fold(name.strip("*_ ")) == wanted:
            value = rest
            break
    if value is None:
        if len(lines) != 1 or re.match(r"^[^:]{1,40}:", lines[0]):
            return None  # several lines for other fields, or another field's line
        value = lines[0]
    value = _unwrap(value)
    if _fold(value) in _EMPTY_ANSWERS or _fold(value).startswith("not found"):
        return None
    return value


def _unwrap(value: str) -> str:
    """`value` without the emphasis, quotes and end punctuation around it."""
    previous = None
    while previous != value:
        previous = value
        value = value.strip().strip("*_\"'«»“”`").rstrip(".;,").strip()
    return value


def place_value(value: str, pieces: tuple[Page, ...], pages: tuple[Page, ...]) -> _Candidate:
    """`value` on the page it came from: the first piece holding its whole text, else
    the one holding most of its words; flagged when its checkable bits are not on it."""
    whole_text = normalise(value)
    words = [normalise(word) for word in value.split() if len(word) > 2]
    best_piece, best_score, whole = pieces[0], -1, False
    for piece in pieces:
        text = normalise(piece.text)
        if whole_text and _contains(text, whole_text):
            best_piece, whole = piece, True
            break
        score = sum(1 for word in words if word and word in text)
        if score > best_score:
            best_piece, best_score = piece, score
    index = next(i for i, page in enumerate(pages) if page.number == best_piece.number)
    unverified = not whole and not is_on_page(value, pages[index].text)
    return _Candidate(value, index, whole, unverified)


def is_on_page(value: str, page_text: str) -> bool:
    """Whether every number, date and capitalised name in `value` occurs in `page_text`
    (normalised). A value with nothing checkable passes: there is nothing to check."""
    page = normalise(page_text)
    if _contains(page, normalise(value)):
        return True
    undated = _without_dates(value)  # a date's numbers are checked as that date, below
    for number in checkable_numbers(undated):
        if not _contains(page, number):
            return False
    if not all(normalise(name) in page for name in _CAPITALISED.findall(undated)):
        return False
    # Its numbers and month names can each be on the page and the date still not
    # ("1st April 2004" on a page of "April 26th, 2004" and "October 1st, 2022").
    on_page = dates_in(page_text)
    return all(any(_same_date(date, seen) for seen in on_page) for date in dates_in(value))


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            "january jan enero ene",
            "february feb febrero",
            "march mar marzo",
            "april apr abril abr",
            "may mayo",
            "june jun junio",
            "july jul julio",
            "august aug agosto ago",
            "september sep sept septiembre setiembre",
            "october oct octubre",
            "november nov noviembre",
            "december dec diciembre dic",
        ),
        start=1,
    )
    for name in names.split()
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th|º|°)?"
_YEAR = r"(?P<year>\d{4})"
_DATES = (
    re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?:,?\s+{_YEAR}\b)?", re.IGNORECASE),  # April 26th, 2004
    re.compile(
        rf"\b{_DAY}\s+(?:of\s+|de\s+)?{_MONTH}\b(?:,?\s+(?:de\s+|of\s+)?{_YEAR}\b)?",
        re.IGNORECASE,
    ),
    re.compile(r"\b(?P<day>[0-3]?\d)[/.-](?P<month>[01]?\d)[/.-](?P<year>\d{4})\b"),  # 26/04/2004
    re.compile(r"\b(?P<year>\d{4})-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b"),  # 2004-04-26
)

Date = tuple[int, int, int | None]  # day, month, year (None when not written)


def dates_in(text: str) -> set[Date]:
    """The calendar dates written in `text`, in English or Spanish, in words or digits."""
    found: set[Date] = set()
    for pattern in _DATES:
        for match in pattern.finditer(text):
            month = match["month"].lower()
            number = _MONTHS[month] if month in _MONTHS else int(month)
            day, year = int(match["day"]), match["year"]
            if 1 <= day <= 31 and 1 <= number <= 12:
                found.add((day, number, int(year) if year else None))
    return found


def _without_dates(text: str) -> str:
    for pattern in _DATES:
        text = pattern.sub(" ", text)
    return text


def _same_date(wanted: Date, seen: Date) -> bool:
    return wanted[:2] == seen[:2] and (wanted[2] is None or wanted[2] == seen[2])


def _contains(text: str, wanted: str) -> bool:
    """Whether normalised `wanted` is in normalised `text`, a number only as a whole
    number ("202" is not in "2021")."""
    if not wanted:
        return False
    before = r"(?<!\d)" if wanted[0].isdigit() else ""
    after = r"(?!\d)" if wanted[-1].isdigit() else ""
    return re.search(before + re.escape(wanted) + after, text) is not None


def checkable_numbers(text: str) -> list[str]:
    """The numbers in `text`, written one way: 1.000,50 and 1,000.50 are both 1000.50."""
    return [canonical_number(n) for n in _NUMBER.findall(text)]


def canonical_number(number: str) -> str:
    """One spelling of a number: no thousands separators, "." before the decimals.

    The last separator is the decimal one when both kinds appear ("1.000,50",
    "1,000.50"); a single kind is a thousands separator when it repeats or is
    followed by exactly three digits ("1.000", "12,500"), else a decimal one.
    """
    dots, commas = number.count("."), number.count(",")
    if dots and commas:
        decimal = "." if number.rfind(".") > number.rfind(",") else ","
    elif dots or commas:
        mark = "." if dots else ","
        tail = number.rpartition(mark)[2]
        decimal = "" if (dots + commas > 1 or len(tail) == 3) else mark
    else:
        return number
    thousands = {".", ","} - {decimal}
    kept = "".join(c for c in number if c not in thousands)
    return kept.replace(decimal, ".") if decimal else kept


def normalise(text: str) -> str:
    """Text for matching: no case, accents or spaces, numbers written one way."""
    folded = _fold(text)
    folded = re.sub(r"\s+", "", folded)
    folded = folded.translate(_PUNCTUATION)
    return _NUMBER.sub(lambda m: canonical_number(m[0]), folded)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def _extraction(
    document: Document,
    fields: tuple[str, ...],
    best: dict[str, _Candidate],
    partial: bool,
    seconds: float,
) -> Extraction:
    cited = sorted({candidate.page_index for candidate in best.values()})
    number_of = {index: n for n, index in enumerate(cited, 1)}
    sources = tuple(document.source(number_of[i], document.pages[i]) for i in cited)
    rows = []
    for field in fields:
        candidate = best.get(field)
        if candidate is None:
            rows.append(Row(field, NOT_FOUND_CELL))
            continue
        page = document.pages[candidate.page_index]
        n = number_of[candidate.page_index]
        cell = Cell(candidate.value, page.number, n, found=True, unverified=candidate.unverified)
        rows.append(Row(field, cell))
    return Extraction(str(document.path), fields, tuple(rows), sources, partial, seconds)
