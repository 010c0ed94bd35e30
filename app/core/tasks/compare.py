"""The compare task: what was added, removed, changed or moved between two documents.

No model is needed, so the result is the same on every run. Each document is cut
into sections (at headings such as "3.", "2.1", "Article 4", "Cláusula 5" or an
ALL CAPS line; at blank lines when it has no headings). Sections are paired in
four passes, each cheaper and surer than the next:

1. identical text (section numbers, spacing, line breaks and hyphenation aside),
   so a section that moved or was renumbered still pairs up;
2. the same heading title, so a section rewritten under its old title is "changed";
3. similar words (difflib's ratio over normalised words), so a reworded section
   under a new title still pairs up;
4. the same place: between the same two paired sections, an old and a new one
   that are alone there, or carry the same number, and share two fifths of the
   shorter one's words, so a clause rewritten or extended where it stood is "changed".

What stays unpaired is removed (old side) or added (new side). A paired section
whose text differs is changed, and its diff lists the sentences that differ; a
pair out of document order is moved. Every difference carries the page where it
starts on each side (None for formats without pages) and numbered sources: the
cited pages, the old document's first, in page order.
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from app.core.documents.records import Page, Source
from app.core.tasks.pages import Document
from app.core.worker import JobContext

DifferenceKind = Literal["added", "removed", "changed", "moved"]
KINDS: tuple[DifferenceKind, ...] = ("added", "removed", "changed", "moved")

# Pairing thresholds (difflib ratio over words, 0..1).
_SAME_TITLE = 0.2  # same heading title: pair unless the text is entirely different
_SIMILAR = 0.5  # different titles: pair when at least half the words line up
_SAME_PLACE = 0.4  # alone, or with the same number, in the same place: a rewrite

_KEYWORD = (
    r"(?:art[íi]culo|article|art\.|cl[áa]usula|clause|secci[óo]n|section|cap[íi]tulo|chapter|"
    r"parte|part|anexo|annex|ap[ée]ndice|appendix|t[íi]tulo|title)"
)
_NUMBER = r"(?:\d{1,3}(?:\.\d{1,3})*|[IVXLC]{1,6})"
_KEYWORD_HEADING = re.compile(rf"^{_KEYWORD}\s+{_NUMBER}\b[.:)]?", re.IGNORECASE)
_NUMBERED_HEADING = re.compile(
    r"^(?:\d{1,3}(?:\.\d{1,3})+\.?|\d{1,3}[.)]|[IVXLC]{1,6}\.)\s+[\"“(]?[A-ZÁÉÍÓÚÑÜ]"
)
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+\S")
_LEADING_NUMBER = re.compile(
    rf"^(?:#{{1,6}}\s*)?(?:{_KEYWORD}\s+)?{_NUMBER}\s*[.:)]?\s+", re.IGNORECASE
)
_PAGE_NUMBER_LINE = re.compile(
    r"^(?:(?:page|p[áa]gina|p\.)\s*)?\d{1,4}(?:\s*(?:of|de|/)\s*\d+)?$", re.I
)
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+(?=[\"“'(\[¿¡0-9A-ZÁÉÍÓÚÑÜ])")
_WORD = re.compile(r"\w+(?:[-'’.,]\w+)*%?", re.UNICODE)
_CONTENTS_ENTRY = re.compile(r"(?:\.\s?){4,}\s*\d*\s*$")
_HEADING_WORDS = 10


@dataclass(frozen=True)
class Difference:
    """One difference; `diff` is plain text: "- " old sentences, "+ " new ones, and
    "~ " the words that changed in a sentence that was edited."""

    kind: DifferenceKind
    heading: str
    old_page: int | None
    new_page: int | None
    sources: tuple[int, ...]
    diff: str
    changes: tuple[tuple[str, str], ...] = ()  # (old sentence, new sentence), "" where none
    moved: bool = False  # a changed section that also moved


@dataclass(frozen=True)
class Comparison:
    old: str
    new: str
    differences: tuple[Difference, ...]
    sources: tuple[Source, ...]
    partial: bool = False  # cancelled: only the differences found before that are listed
    sections: tuple[int, int] = (0, 0)  # sections found in the old and new documents

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(d.kind for d in self.differences)
        return {kind: counted.get(kind, 0) for kind in KINDS}


# --- sections ------------------------------------------------------------------


@dataclass
class _Section:
    heading: str  # as shown: "3. Payment terms", or the first words of a paragraph
    title: str  # normalised heading title without its number ("" for paragraphs)
    lines: list[tuple[int | None, str]] = field(default_factory=list)  # (page, line)
    text: str = ""  # lines joined, hyphenation at line ends undone
    starts: list[tuple[int, int | None]] = field(default_factory=list)  # (offset, page)
    key: str = ""  # what decides "identical": words without the section number
    words: list[str] = field(default_factory=list)
    vocabulary: frozenset[str] = frozenset()

    def finish(self) -> None:
        parts: list[str] = []
        length = 0
        for page, raw in self.lines:
            line = " ".join(raw.split())
            if not line:
                continue
            joint = " " if parts else ""
            if parts and re.search(r"\w-$", parts[-1]) and re.match(r"[a-záéíóúñü]", line):
                parts[-1] = parts[-1][:-1]  # "exclu-" + "sive" → "exclusive"
                length, joint = length - 1, ""
            if not self.starts or self.starts[-1][1] != page:
                self.starts.append((length + len(joint), page))
            parts.append(joint + line)
            length += len(joint) + len(line)
        self.text = "".join(parts)
        body = _LEADING_NUMBER.sub("", self.text, count=1)
        self.words = _words(body)
        self.vocabulary = frozenset(self.words)
        self.key = " ".join(w.replace("-", "") for w in self.words)

    def page_at(self, offset: int) -> int | None:
        page = self.starts[0][1] if self.starts else None
        for start, number in self.starts:
            if start > offset:
                break
            page = number
        return page

    @property
    def pages(self) -> tuple[int | None, ...]:
        return tuple(dict.fromkeys(page for _, page in self.starts))


def _words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


def _is_heading(line: str, previous: str, previous_heading: bool) -> bool:
    """Whether `line` starts a section (`previous` is the line before it, "" at a start).

    A numbered line is a heading after a sentence's end, another heading, or when it
    is short: PDF text has no blank lines to tell "2. Scope" from a wrapped "2." in
    running text."""
    if len(line) > 120:
        return False
    if _MARKDOWN_HEADING.match(line) or _KEYWORD_HEADING.match(line):
        return True
    after_break = not previous or previous.rstrip().endswith((".", ":", ";", "!", "?"))
    if _CONTENTS_ENTRY.search(line):
        return False  # "12.2.3 Wiki . . . . . 84" is in a table of contents
    dotted = bool(re.match(r"\d{1,3}\.\d", line))  # "2.3 Scope": a strong sign on its own
    numbered = bool(_NUMBERED_HEADING.match(line))
    if numbered and (dotted or after_break or previous_heading or len(line) <= 60):
        return True
    letters = [c for c in line if c.isalpha()]
    return (
        len(letters) >= 4
        and line[0].isalpha()
        and not re.search(r"[=_/\\{}<>]", line)  # not code: "P910ND_START=1"
        and len(line) <= 80
        and all(c.isupper() for c in letters)
        and not line.rstrip().endswith(",")
        and len(line.split()) <= 12
    )


def _running_lines(pages: Sequence[Page]) -> set[str]:
    """Lines repeated on most pages (running headers and footers), digits aside."""
    if len(pages) < 3:
        return set()
    seen: Counter[str] = Counter()
    for page in pages:
        seen.update(
            {re.sub(r"\d+", "#", ln.strip()) for ln in page.text.splitlines() if ln.strip()}
        )
    return {line for line, count in seen.items() if count > len(pages) / 2 and len(line) < 100}


def _edge_key(line: str) -> str:
    return " ".join(re.sub(r"\d+", "#", line.casefold()).split()[:2])


def _running_edges(pages: Sequence[Page]) -> tuple[set[str], set[str]]:
    """How most pages' first and last lines begin, when they do ("CHAPTER #. ...",
    "Page # ..."): running heads that name the section change from page to page."""
    if len(pages) < 3:
        return set(), set()
    firsts: Counter[str] = Counter()
    lasts: Counter[str] = Counter()
    for page in pages:
        lines = [ln for ln in page.text.splitlines() if ln.strip()]
        if lines:
            firsts[_edge_key(lines[0])] += 1
            lasts[_edge_key(lines[-1])] += 1

    def common(counted: Counter[str]) -> set[str]:
        return {k for k, count in counted.items() if count >= max(3, 0.5 * len(pages))}

    return common(firsts), common(lasts)


def _lines(document: Document) -> list[tuple[int | None, str]]:
    running = _running_lines(document.pages)
    heads, feet = _running_edges(document.pages)
    lines: list[tuple[int | None, str]] = []
    for page in document.pages:
        page_lines = [ln.strip() for ln in page.text.splitlines()]
        filled = [k for k, ln in enumerate(page_lines) if ln]
        for k, line in enumerate(page_lines):
            if line and (
                _PAGE_NUMBER_LINE.match(line)
                or re.sub(r"\d+", "#", line) in running
                or (k == filled[0] and _edge_key(line) in heads)
                or (k == filled[-1] and _edge_key(line) in feet)
            ):
                continue
            lines.append((page.number, line))
        lines.append((page.number, ""))  # a page ends a paragraph in the fallback split
    return lines


def _title(heading: str) -> str:
    title = _LEADING_NUMBER.sub("", heading.lstrip("# "), count=1)
    title = re.split(r"(?<=[a-záéíóúñü)])\.\s", title, maxsplit=1)[0]  # "Grant. Subject..."
    return " ".join(_words(title))


def _short(text: str) -> str:
    words = text.split()
    return " ".join(words[:_HEADING_WORDS]) + (" …" if len(words) > _HEADING_WORDS else "")


def split_sections(document: Document) -> list[_Section]:
    """The document's sections, at its headings, else at its paragraphs."""
    lines = _lines(document)
    sections = _by_headings(lines)
    if sum(1 for s in sections if s.title) < 2:
        sections = _by_paragraphs(lines)
    for section in sections:
        section.finish()
    return [s for s in sections if s.words]


def _by_headings(lines: list[tuple[int | None, str]]) -> list[_Section]:
    sections: list[_Section] = []
    current: _Section | None = None
    previous = ""
    previous_heading = False
    for page, line in lines:
        heading_here = bool(line) and _is_heading(line, previous, previous_heading)
        if heading_here:
            heading = _heading_text(line)
            current = _Section(heading, _title(line) or heading.casefold())
            sections.append(current)
        elif current is None and line:
            current = _Section(_short(line), "")
            sections.append(current)
        if current is not None:
            current.lines.append((page, line))
        previous = line  # a blank line ends a paragraph, as a sentence's end does
        if line:
            previous_heading = heading_here
    return sections


def _heading_text(line: str) -> str:
    line = line.lstrip("# ").strip()
    first = re.split(r"(?<=[a-záéíóúñü)])\.\s", line, maxsplit=1)[0]  # heading of a run-in title
    return _short(first)


def _by_paragraphs(lines: list[tuple[int | None, str]]) -> list[_Section]:
    sections: list[_Section] = []
    current: _Section | None = None
    for page, line in lines:
        if not line:
            current = None
            continue
        if current is None:
            current = _Section(_short(line), "")
            sections.append(current)
        current.lines.append((page, line))
    for section in sections:  # the paragraph's first words, past its wrapped first line
        section.heading = _short(" ".join(line for _, line in section.lines[:3]))
    return sections


# --- pairing -------------------------------------------------------------------


def _ratio(a: _Section, b: _Section) -> float:
    """How much of the two sections' wording lines up, in order (0..1)."""
    shared = len(a.vocabulary & b.vocabulary)
    if shared < 0.2 * max(len(a.vocabulary), len(b.vocabulary)):
        return 0.0  # too few words in common to be one section: skip the costly ratio
    matcher = difflib.SequenceMatcher(None, a.words, b.words, autojunk=False)
    if matcher.real_quick_ratio() < 0.2 or matcher.quick_ratio() < 0.2:
        return 0.0
    return matcher.ratio()


def _pair_identical(old: list[_Section], new: list[_Section], pairs: dict[int, int]) -> None:
    waiting: dict[str, list[int]] = {}
    for j, section in enumerate(new):
        waiting.setdefault(section.key, []).append(j)
    for i, section in enumerate(old):
        candidates = waiting.get(section.key)
        if candidates:
            pairs[i] = candidates.pop(0)


def _pair_titles(old: list[_Section], new: list[_Section], pairs: dict[int, int]) -> None:
    taken = set(pairs.values())
    for i, section in enumerate(old):
        if i in pairs or not section.title:
            continue
        same = [j for j, s in enumerate(new) if j not in taken and s.title == section.title]
        scored = [(_ratio(section, new[j]), -abs(j - i), j) for j in same]
        best = max(scored, default=None)
        if best is not None and best[0] >= _SAME_TITLE:
            pairs[i] = best[2]
            taken.add(best[2])


def _pair_in_place(old: list[_Section], new: list[_Section], pairs: dict[int, int]) -> None:
    """Pair sections left over in the same place: between the same two paired
    neighbours, an old and a new section that are the only ones there, or that carry
    the same number, are one section rewritten (a new title, much reworded or
    extended) when two fifths of the shorter one's words still line up."""
    kept = sorted((i, pairs[i]) for i in _in_order(pairs))
    taken = set(pairs.values())
    old_numbers = [_number(section.heading) for section in old]
    new_numbers = [_number(section.heading) for section in new]
    bounds = [(-1, -1), *kept, (len(old), len(new))]
    for (i0, j0), (i1, j1) in itertools.pairwise(bounds):
        olds = [i for i in range(i0 + 1, i1) if i not in pairs]
        news = [j for j in range(j0 + 1, j1) if j not in taken]
        if len(olds) == 1 and len(news) == 1:
            candidates = [(olds[0], news[0])]
        else:
            candidates = [
                (i, j)
                for i in olds
                for j in news
                if old_numbers[i] and old_numbers[i] == new_numbers[j]
            ]
        for i, j in candidates:
            if i not in pairs and j not in taken and _kept(old[i], new[j]) >= _SAME_PLACE:
                pairs[i] = j
                taken.add(j)


def _kept(a: _Section, b: _Section) -> float:
    """The share of the shorter section's words found, in order, in the other (0..1)."""
    shortest = min(len(a.words), len(b.words))
    if not shortest:
        return 0.0
    matcher = difflib.SequenceMatcher(None, a.words, b.words, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / shortest


def _number(heading: str) -> str:
    found = _LEADING_NUMBER.match(heading)
    return " ".join(found.group().split()).rstrip(".:)").lower() if found else ""


def _in_order(pairs: dict[int, int]) -> set[int]:
    """Old indexes of the longest run of pairs in the same order on both sides."""
    items = sorted(pairs.items())
    tails: list[int] = []  # tails[k]: the item ending the best chain of length k + 1
    previous: list[int] = [-1] * len(items)
    for index, (_, j) in enumerate(items):
        low, high = 0, len(tails)
        while low < high:
            middle = (low + high) // 2
            if items[tails[middle]][1] < j:
                low = middle + 1
            else:
                high = middle
        previous[index] = tails[low - 1] if low else -1
        if low == len(tails):
            tails.append(index)
        else:
            tails[low] = index
    kept: set[int] = set()
    index = tails[-1] if tails else -1
    while index >= 0:
        kept.add(items[index][0])
        index = previous[index]
    return kept


# --- differences ---------------------------------------------------------------


def _sentences(section: _Section) -> list[tuple[str, int | None]]:
    """The section's sentences, each with the page it starts on; a fragment of a few
    words ("6.", "Trademarks.") joins the sentence after it."""
    found: list[tuple[str, int | None]] = []
    start = 0
    ends = [(m.start(), m.end()) for m in _SENTENCE_END.finditer(section.text)]
    for end, following in [*ends, (len(section.text), len(section.text))]:
        if len(section.text[start:end].split()) < 4 and end < len(section.text):
            continue
        if start < end:
            found.append((section.text[start:end], section.page_at(start)))
        start = following
    return found


def _sentence_key(sentence: str) -> str:
    return " ".join(w.replace("-", "") for w in _words(sentence))


def _changes(
    old: _Section, new: _Section
) -> tuple[list[tuple[str, str]], list[int | None], list[int | None], str]:
    before, after = _sentences(old), _sentences(new)
    keys_before = [_sentence_key(s) for s, _ in before]
    keys_after = [_sentence_key(s) for s, _ in after]
    if keys_before:
        keys_before[0] = _sentence_key(_LEADING_NUMBER.sub("", before[0][0], count=1))
    if keys_after:
        keys_after[0] = _sentence_key(_LEADING_NUMBER.sub("", after[0][0], count=1))
    matcher = difflib.SequenceMatcher(None, keys_before, keys_after, autojunk=False)
    changes: list[tuple[str, str]] = []
    old_pages: list[int | None] = []
    new_pages: list[int | None] = []
    lines: list[str] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        removed, added = before[i1:i2], after[j1:j2]
        lines.extend(f"- {s}" for s, _ in removed)
        lines.extend(f"+ {s}" for s, _ in added)
        old_pages.extend(p for _, p in removed)
        new_pages.extend(p for _, p in added)
        for k in range(max(len(removed), len(added))):
            changes.append(
                (removed[k][0] if k < len(removed) else "", added[k][0] if k < len(added) else "")
            )
        if len(removed) == len(added) == 1:
            lines.extend(_word_changes(removed[0][0], added[0][0]))
    if not old_pages:
        old_pages = [p for _, p in before[:1]]
    if not new_pages:
        new_pages = [p for _, p in after[:1]]
    return changes, old_pages, new_pages, "\n".join(lines)


def _word_changes(old: str, new: str) -> list[str]:
    """`~ fifty → sixty; (50%) → (60%)`: the words that differ between two versions of
    one sentence, when it was edited rather than rewritten (nothing then)."""
    before, after = old.split(), new.split()
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    if matcher.ratio() < 0.6:
        return []
    edits = [
        f"{' '.join(before[i1:i2]) or '(nothing)'} → {' '.join(after[j1:j2]) or '(nothing)'}"
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]
    return [f"~ {'; '.join(edits)}"] if edits else []


@dataclass
class _Draft:
    kind: DifferenceKind
    heading: str
    old_pages: tuple[int | None, ...]
    new_pages: tuple[int | None, ...]
    diff: str
    changes: tuple[tuple[str, str], ...] = ()
    moved: bool = False


class _Numbering:
    """Cited pages as numbered sources: the old document's first, each in page order."""

    def __init__(self, old: Document, new: Document, drafts: Iterable[_Draft]) -> None:
        cited: list[set[int | None]] = [set(), set()]
        for draft in drafts:
            cited[0].update(draft.old_pages)
            cited[1].update(draft.new_pages)
        self.sources: list[Source] = []
        self._numbers: list[dict[int | None, int]] = [{}, {}]
        for side, document in enumerate((old, new)):
            for page in document.pages:
                if page.number in cited[side] and page.number not in self._numbers[side]:
                    n = len(self.sources) + 1
                    self._numbers[side][page.number] = n
                    self.sources.append(document.source(n, page))

    def numbers(self, draft: _Draft) -> tuple[int, ...]:
        found = [self._numbers[0][p] for p in draft.old_pages if p in self._numbers[0]]
        found += [self._numbers[1][p] for p in draft.new_pages if p in self._numbers[1]]
        return tuple(sorted(set(found)))


def _move(before: list[_Section], i: int, after: list[_Section], j: int) -> str:
    was = f"after “{before[i - 1].heading}”" if i else "at the start"
    now = f"after “{after[j - 1].heading}”" if j else "at the start"
    return f"moved: was {was}, now {now}"


def _removed_or_added(kind: DifferenceKind, section: _Section) -> _Draft:
    sign = "-" if kind == "removed" else "+"
    diff = "\n".join(f"{sign} {s}" for s, _ in _sentences(section))
    pages = section.pages
    return _Draft(
        kind,
        section.heading,
        pages if kind == "removed" else (),
        pages if kind == "added" else (),
        diff,
    )


def _difference(draft: _Draft, sources: tuple[int, ...]) -> Difference:
    return Difference(
        draft.kind,
        draft.heading,
        draft.old_pages[0] if draft.old_pages else None,
        draft.new_pages[0] if draft.new_pages else None,
        sources,
        draft.diff,
        draft.changes,
        draft.moved,
    )


def _finish(
    old: Document, new: Document, drafts: list[_Draft], partial: bool, counts: tuple[int, int]
) -> Comparison:
    numbering = _Numbering(old, new, drafts)
    differences = tuple(_difference(d, numbering.numbers(d)) for d in drafts)
    return Comparison(
        str(old.path), str(new.path), differences, tuple(numbering.sources), partial, counts
    )


def compare_documents(ctx: JobContext, old: Document, new: Document) -> Comparison:
    """The differences from `old` to `new`, in the new document's order.

    Progress is `sections` done of old + new; each difference is sent with
    `ctx.update` as it is found (its `sources` empty: they are numbered at the
    end). Cancelled, the result is partial: the differences found so far, in
    order (none when cancelled while still pairing sections).
    """
    before, after = split_sections(old), split_sections(new)
    total = len(before) + len(after)
    counts = (len(before), len(after))
    pairs: dict[int, int] = {}
    _pair_identical(before, after, pairs)
    _pair_titles(before, after, pairs)
    done = len(pairs)
    ctx.progress("sections", done, total)

    # Pass 3: score the remaining old sections against the remaining new ones.
    scores: list[tuple[float, int, int, int]] = []  # (ratio, -distance, new, old)
    taken = set(pairs.values())
    loose_new = [j for j in range(len(after)) if j not in taken]
    for i, section in enumerate(before):
        if i in pairs:
            continue
        if ctx.cancel.cancelled:  # nothing is certain before the pairing ends
            return _finish(old, new, [], True, counts)
        scores.extend((_ratio(section, after[j]), -abs(i - j), j, i) for j in loose_new)
        done += 1
        ctx.progress("sections", done, total)
    for score, _, j, i in sorted(scores, reverse=True):
        if score < _SIMILAR:
            break
        if i not in pairs and j not in taken:
            pairs[i] = j
            taken.add(j)
    _pair_in_place(before, after, pairs)

    in_order = _in_order(pairs)
    by_new = {j: i for i, j in pairs.items()}
    drafts: list[_Draft] = []

    def emit(draft: _Draft) -> None:
        drafts.append(draft)
        ctx.update(_difference(draft, ()))  # sources are numbered once all are known

    emitted_old: set[int] = set()
    partial = False

    def removed_up_to(limit: int) -> None:
        for i in range(limit):
            if i not in pairs and i not in emitted_old:
                emitted_old.add(i)
                emit(_removed_or_added("removed", before[i]))

    for j, section in enumerate(after):
        if ctx.cancel.cancelled:
            partial = True
            break
        paired = by_new.get(j)
        if paired is None:
            emit(_removed_or_added("added", section))
        else:
            if paired in in_order:
                removed_up_to(paired)
            moved = paired not in in_order
            if before[paired].key != section.key:
                changes, old_pages, new_pages, diff = _changes(before[paired], section)
                emit(
                    _Draft(
                        "changed",
                        section.heading,
                        tuple(dict.fromkeys(old_pages)),
                        tuple(dict.fromkeys(new_pages)),
                        diff,
                        tuple(changes),
                        moved,
                    )
                )
            elif moved:
                emit(
                    _Draft(
                        "moved",
                        section.heading,
                        before[paired].pages[:1],
                        section.pages[:1],
                        _move(before, paired, after, j),
                    )
                )
        done = min(total, done + 1)
        ctx.progress("sections", done, total)
    if not partial:
        removed_up_to(len(before))
        if done < total:
            ctx.progress("sections", total, total)
    return _finish(old, new, drafts, partial, counts)
