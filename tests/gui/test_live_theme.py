"""A theme change re-tints what is already on screen: the user's bubbles, the citation
chips of an answer and the muted snippets of its sources take the new palette's colours."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from PySide6.QtGui import QColor, QPalette, QTextCursor
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from app.core.documents.records import Source
from app.gui.chat.message_view import MessageView
from app.gui.fitted_text import mix
from app.gui.theme import DARK, LIGHT, apply_theme

Role = QPalette.ColorRole
SOURCE = Source(1, "/docs/report.md", None, "The rent is due on the first day.", 1.0, 0, 33)


@pytest.fixture
def themed(qapp: QApplication) -> Iterator[QApplication]:
    apply_theme(qapp, "light", None)
    yield qapp
    apply_theme(qapp, "system", None)


def luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(c) for c in (colour.redF(), colour.greenF(), colour.blueF()))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(one: QColor, other: QColor) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def bubble_tint(scheme: Mapping[QPalette.ColorRole, str]) -> QColor:
    return mix(QColor(scheme[Role.Base]), QColor(scheme[Role.Highlight]), 0.12)


def chip_background(view: MessageView) -> QColor:
    """The background of the first citation chip in the answer's text."""
    document = view.body.document()
    cursor = QTextCursor(document)
    while not cursor.atEnd():
        cursor.movePosition(QTextCursor.MoveOperation.NextCharacter)
        fmt = cursor.charFormat()
        if fmt.isAnchor() and fmt.anchorHref().startswith("cite:"):
            return fmt.background().color()
    raise AssertionError("no citation chip in the answer")


def snippet_colour(view: MessageView) -> str:
    match = re.search(r'<span style="color:(#[0-9a-f]{6})">', view.sources_view.rows[0].text())
    assert match is not None
    return match[1]


def test_messages_on_screen_follow_a_theme_change(qtbot: Any, themed: QApplication) -> None:
    column = QWidget()
    qtbot.addWidget(column)
    layout = QVBoxLayout(column)
    question = MessageView("user", "When is the rent due?")
    answer = MessageView("assistant")
    layout.addWidget(question)
    layout.addWidget(answer)
    answer.set_sources([SOURCE])
    answer.set_text("On the first day [1].")
    column.show()
    qtbot.waitExposed(column)
    assert question.palette().color(Role.Base) == bubble_tint(LIGHT)
    light_chip = mix(QColor(LIGHT[Role.Base]), QColor(LIGHT[Role.Link]), 0.18)
    assert chip_background(answer) == light_chip
    assert snippet_colour(answer) == LIGHT[Role.PlaceholderText]

    apply_theme(themed, "dark", None)
    qtbot.waitUntil(lambda: question.palette().color(Role.Base) == bubble_tint(DARK))
    text = question.palette().color(Role.Text)
    assert text == QColor(DARK[Role.Text])
    assert contrast(text, question.palette().color(Role.Base)) > 7  # readable, not light-on-light
    assert chip_background(answer) == mix(QColor(DARK[Role.Base]), QColor(DARK[Role.Link]), 0.18)
    assert snippet_colour(answer) == DARK[Role.PlaceholderText]

    apply_theme(themed, "light", None)
    qtbot.waitUntil(lambda: question.palette().color(Role.Base) == bubble_tint(LIGHT))
    assert chip_background(answer) == light_chip
