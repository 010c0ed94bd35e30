"""Text that wraps whatever it holds, for the chat column, which never scrolls sideways.

A path, a URL, a command or a table cell can be hundreds of characters without
a space. A `QLabel` breaks lines at spaces only, so such a string sets the
label's minimum width, and with it the width of the bubble and of the whole
chat: the text runs off the window and the message's buttons are cut off.

* `FittedText` is a read-only `QTextBrowser` as tall as its text, whose lines
  break between words or, when a word is longer than the line, anywhere. It
  never loads anything its text names (`markdown.no_resource`).
* `soft_breaks` is for the labels that stay labels (notes, notices, source
  rows): it puts zero-width spaces into long runs, after a slash, a dot or a
  dash where it can, so that the label may wrap there. It is for display only:
  what the user copies is the text as it was.
"""

from __future__ import annotations

import math
import re
import unicodedata

from PySide6.QtCore import QSize, QSizeF, Qt, QUrl, Slot
from PySide6.QtGui import QColor, QFont, QPalette, QTextCharFormat, QTextOption
from PySide6.QtWidgets import QFrame, QSizePolicy, QTextBrowser, QWidget

from app.gui.markdown import no_resource

ZERO_WIDTH_SPACE = "\u200b"
SOFT_BREAK_RUN = 24  # characters without a break opportunity before one is made
_BREAK_AFTER = frozenset("/\\_-.,;:?&=+|@#~)]}>")
_LONG_RUN = re.compile(rf"\S{{{SOFT_BREAK_RUN + 1},}}")


def _break_run(match: re.Match[str]) -> str:
    run = match.group(0)
    out: list[str] = []
    since = 0
    for i, char in enumerate(run):
        out.append(char)
        since += 1
        last = i + 1 == len(run)
        if last or unicodedata.combining(run[i + 1]) or run[i + 1] == ZERO_WIDTH_SPACE:
            continue
        if char in _BREAK_AFTER or since >= SOFT_BREAK_RUN:
            out.append(ZERO_WIDTH_SPACE)
            since = 0
    return "".join(out)


def soft_breaks(text: str) -> str:
    """`text` with places to wrap in every run of more than SOFT_BREAK_RUN non-space
    characters; shorter words are left exactly as they are. For display only."""
    return _LONG_RUN.sub(_break_run, text)


def without_soft_breaks(text: str) -> str:
    return text.replace(ZERO_WIDTH_SPACE, "")


def mix(base: QColor, accent: QColor, share: float) -> QColor:
    """`share` of `accent` in `base`: a tint that stays readable in light and dark themes."""
    return QColor.fromRgbF(
        base.redF() * (1 - share) + accent.redF() * share,
        base.greenF() * (1 - share) + accent.greenF() * share,
        base.blueF() * (1 - share) + accent.blueF() * share,
    )


def chip_format(palette: QPalette) -> QTextCharFormat:
    """A citation chip: the link colour on a tint of it, not underlined, not italic."""
    chip = QTextCharFormat()
    chip.setBackground(
        mix(palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Link), 0.18)
    )
    chip.setForeground(palette.color(QPalette.ColorRole.Link))
    chip.setFontWeight(QFont.Weight.DemiBold)
    chip.setFontUnderline(False)
    chip.setFontItalic(False)
    return chip


def caution_color(palette: QPalette) -> QColor:
    """Amber for what the reader should check: dark on a light base, light on a dark one,
    readable on either (4.9:1 on white, 7.7:1 on the dark theme's base)."""
    dark = palette.color(QPalette.ColorRole.Base).lightnessF() < 0.5
    return QColor("#e3a53c" if dark else "#9a6700")


class FittedText(QTextBrowser):
    """A read-only text view as tall as its text, for stacking in a scroll area.

    Its width is the column's: it asks for none (an `Ignored` horizontal policy),
    and its lines wrap at word boundaries or, for a longer word, anywhere. Only a
    line that must not wrap (a code block) can be wider; the view then scrolls
    sideways by itself, and the column does not.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.viewport().setAutoFillBackground(False)
        self.document().setDocumentMargin(2)
        self.document().documentLayout().documentSizeChanged.connect(self.on_size_changed)

    def loadResource(self, kind: int, name: QUrl | str) -> object:
        return no_resource(kind)  # never a file or URL named by the text

    @Slot(QSizeF)
    def on_size_changed(self, size: QSizeF) -> None:
        wide = self.document().idealWidth() > self.viewport().width() + 1
        bar = self.horizontalScrollBar().sizeHint().height() if wide else 0
        self.setFixedHeight(math.ceil(size.height()) + 2 * self.frameWidth() + bar)

    def sizeHint(self) -> QSize:
        return QSize(200, self.height())
