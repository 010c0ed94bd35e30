"""The real-manual questions (bench/realdocs_questions.json) are well formed.

The bench itself needs the manuals from the Debian archive and minutes of
indexing; this only checks the question file, so that a bad edit fails here
instead of silently skewing the figures.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from bench.realdocs import CORPUS, MANUALS, QUESTIONS_FILE, RealQuestion, load_questions


@pytest.fixture(scope="module")
def questions() -> tuple[list[RealQuestion], list[RealQuestion]]:
    return load_questions()


def test_every_entry_has_the_known_fields() -> None:
    entries = json.loads(QUESTIONS_FILE.read_text(encoding="utf-8"))["questions"]
    allowed = {"q", "lang", "file", "page", "key", "alt_pages"}
    for entry in entries:
        assert set(entry) <= allowed, entry
        assert {"q", "lang", "file"} <= set(entry), entry


def test_enough_answerable_questions_in_each_group(
    questions: tuple[list[RealQuestion], list[RealQuestion]],
) -> None:
    answerable, unanswerable = questions
    groups = Counter(q.group for q in answerable)
    assert len(answerable) >= 40
    assert groups["en→es"] >= 10  # English questions about Spanish manuals
    assert groups["es→es"] >= 15
    assert groups["en→en"] >= 10
    assert set(groups) <= {"es→es", "en→en", "en→es"}
    assert len(unanswerable) >= 5


def test_every_manual_is_asked_about(
    questions: tuple[list[RealQuestion], list[RealQuestion]],
) -> None:
    asked = {q.file for q in questions[0]}
    assert asked == {manual.name for manual in CORPUS}


def test_answers_point_at_a_page_of_a_known_manual(
    questions: tuple[list[RealQuestion], list[RealQuestion]],
) -> None:
    for question in questions[0]:
        assert question.file in MANUALS
        assert question.page is not None
        assert question.page >= 1
        assert question.page not in question.alt_pages
        assert question.key.strip()


def test_questions_are_not_repeated(
    questions: tuple[list[RealQuestion], list[RealQuestion]],
) -> None:
    texts = [q.text.casefold() for q in questions[0] + questions[1]]
    assert len(texts) == len(set(texts))


def test_a_malformed_entry_is_refused_with_its_number(tmp_path: Path) -> None:
    bad = {"questions": [{"q": "¿Dónde?", "lang": "es", "file": "install.es.pdf", "page": 0}]}
    path = tmp_path / "questions.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(ValueError, match="question 1"):
        load_questions(path)
