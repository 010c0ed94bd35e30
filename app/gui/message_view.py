"""One chat message: Markdown rendered by Qt, sized to its content, inert links.

Model output and stored messages are untrusted text: they are rendered by
`markdown.render_markdown`, nothing they name is ever loaded, and a link click
opens nothing (the window only says where it pointed).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Final, Literal

from PySide6.QtCore import QSize, QSizeF, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QTextBrowser, QVBoxLayout, QWidget

from app.gui.markdown import no_resource, render_markdown

Role = Literal["user", "assistant"]

ROLE_NAMES: Final[Mapping[Role, str]] = {"user": "You", "assistant": "Confidente"}
WAITING_TEXT = "…"


class MarkdownText(QTextBrowser):
    """A read-only Markdown view as tall as its text, for stacking in a scroll area.

    Signals:
        link_refused(str): a link in the text was clicked; it is not opened.
    """

    link_refused = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.viewport().setAutoFillBackground(False)
        self.document().setDocumentMargin(2)
        self.document().documentLayout().documentSizeChanged.connect(self.on_size_changed)
        self.anchorClicked.connect(self.on_anchor_clicked)

    def set_markdown(self, text: str) -> None:
        code_background = self.palette().color(QPalette.ColorRole.AlternateBase)
        render_markdown(self.document(), text, code_background)

    def loadResource(self, kind: int, name: QUrl | str) -> object:
        return no_resource(kind)  # never a file or URL named by the text

    @Slot(QSizeF)
    def on_size_changed(self, size: QSizeF) -> None:
        wide = self.document().idealWidth() > self.viewport().width() + 1
        bar = self.horizontalScrollBar().sizeHint().height() if wide else 0
        self.setFixedHeight(math.ceil(size.height()) + 2 * self.frameWidth() + bar)

    @Slot(QUrl)
    def on_anchor_clicked(self, url: QUrl) -> None:
        self.link_refused.emit(url.toString())

    def sizeHint(self) -> QSize:
        return QSize(200, self.height())


class MessageView(QFrame):
    """A bubble: who speaks, then the Markdown text; a note under stopped answers."""

    def __init__(self, role: Role, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.role: Role = role
        self._text = ""
        self.setObjectName(f"{role}Message")
        self.setAccessibleName("Your message" if role == "user" else "Answer")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        if role == "user":
            self._tint_background()
        self.speaker = QLabel(ROLE_NAMES[role])
        font = self.speaker.font()
        font.setBold(True)
        self.speaker.setFont(font)
        self.body = MarkdownText()
        self.body.setAccessibleName(ROLE_NAMES[role])
        self.note = QLabel()
        self.note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.note.setWordWrap(True)
        self.note.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(2)
        layout.addWidget(self.speaker)
        layout.addWidget(self.body)
        layout.addWidget(self.note)
        self.set_text(text)

    @property
    def text(self) -> str:
        return self._text

    def _tint_background(self) -> None:
        """Tell the user's messages apart with a hint of the highlight colour.

        Mixed into the base colour, so text stays readable in light and dark themes.
        """
        palette = self.palette()
        base = palette.color(QPalette.ColorRole.Base)
        accent = palette.color(QPalette.ColorRole.Highlight)
        share = 0.12
        tint = QColor.fromRgbF(
            base.redF() * (1 - share) + accent.redF() * share,
            base.greenF() * (1 - share) + accent.greenF() * share,
            base.blueF() * (1 - share) + accent.blueF() * share,
        )
        palette.setColor(QPalette.ColorRole.Base, tint)
        self.setPalette(palette)

    def set_text(self, text: str) -> None:
        """Show `text`: answers as Markdown, the user's own words exactly as typed."""
        self._text = text
        if self.role == "user":
            self.body.setPlainText(text)
        else:
            self.body.set_markdown(text or WAITING_TEXT)

    def set_note(self, note: str) -> None:
        self.note.setText(note)
        self.note.setVisible(bool(note))
