"""The scoring of bench/tasks.py: what counts as a right cell, a covered heading, a found edit.

The bench needs Debian packages and minutes of the model; these check its yardsticks,
so that a bad edit fails here instead of silently skewing the figures.
"""

from __future__ import annotations

from app.core.tasks.compare import Comparison, Difference
from app.core.tasks.summarize import Summary, SummaryPoint
from bench.tasks import (
    COMPARES,
    DOCUMENTS,
    EXTRACTIONS,
    SUMMARIES,
    Edit,
    compare_recall,
    coverage,
    holds,
)


def test_a_cell_is_right_when_it_holds_every_expected_term() -> None:
    date = ("april", "26th", "2004")
    assert holds("April 26th, 2004", date)
    assert holds("ratified on april 26th 2004.", date)
    assert not holds("1st April 2004", date)
    assert holds("0,9 V", ("0.9",))  # a decimal comma
    assert holds("aproximadamente 0.9 V", ("v",))
    assert not holds("voltaje", ("v",))  # a unit is a whole word, not a letter in one
    assert holds("pila de limón", ("limon",))  # accents aside
    assert holds("1uF", ("1uf",))


def _difference(kind: str, heading: str, diff: str, moved: bool = False) -> Difference:
    return Difference(kind, heading, None, None, (1,), diff, moved=moved)  # type: ignore[arg-type]


def test_an_edit_is_found_by_a_difference_of_its_kind_showing_its_words() -> None:
    comparison = Comparison(
        "old.txt",
        "new.txt",
        (
            _difference("changed", "2.15 Voltaje", "- ... 0.9 V\n+ aproximadamente 1.1 V"),
            _difference("removed", "2.12 El cuerpo humano como conductor", "- ..."),
            _difference("changed", "2.14 Foto-resistencia", "~ x → y", moved=True),
        ),
        (),
    )
    edits = (
        Edit("changed", "aproximadamente 1.1 V"),
        Edit("removed", "El cuerpo humano como conductor"),
        Edit("moved", "Foto-resistencia"),  # a changed section that also moved counts
        Edit("added", "El cuerpo humano como conductor"),  # the wrong kind does not
    )
    found, missed = compare_recall(comparison, edits)
    assert found == 3
    assert missed == [edits[3]]


def test_every_case_names_a_document_of_the_bench() -> None:
    names = {manual.name for manual in DOCUMENTS}
    edited = {"eyes17-21-26.es.txt", "eyes17-21-26-edited.es.txt"}  # made from eyes17.es.pdf
    for case in (*SUMMARIES, *EXTRACTIONS):
        assert case.file in names
    for pair in COMPARES:
        assert {pair.old, pair.new} <= names | edited
        assert all(edit.kind in {"added", "removed", "changed", "moved"} for edit in pair.edits)
    assert all(case.headings for case in SUMMARIES)
    assert all(case.expected for case in EXTRACTIONS)


def _summary(*points: str) -> Summary:
    return Summary(
        tuple(SummaryPoint(text, (1,), (None,), (1,)) for text in points), (), "short", 1, 1,
        False, 1.0, 1.0,
    )  # fmt: skip


def test_a_heading_is_covered_by_its_own_words_not_by_words_every_heading_has() -> None:
    headings = SUMMARIES[0].headings  # the Social Contract's
    assert coverage(_summary("Debian is free software."), headings) == 0.0
    assert coverage(_summary("Debian does not hide problems."), headings) == 1 / 6
    both = _summary("Debian does not hide problems.", "It states its priorities.")
    assert coverage(both, headings) == 2 / 6
