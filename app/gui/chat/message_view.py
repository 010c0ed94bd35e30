"""One chat message: Markdown rendered by Qt, sized to its content, inert links.

Model output and stored messages are untrusted text: they are rendered by
`markdown.render_markdown`, nothing they name is ever loaded, and a link click
opens nothing (the window only says where it pointed). The one exception is a
citation of a document answer: its `cite:n` link, the quotes above the answer
and the row of sources under it say which passage the user wants to see.

A document answer shows, above the model's text, the sentences of its sources
that answer the question (`QuotesView`), as soon as they are chosen and before
the model writes anything: they are the documents' own words, so they stay
whatever the model then writes. Once the answer is written, its sentences that
no source supports (`ChatReply.unsupported`) are underlined with dots and
followed by a ⚠, with a line under the answer saying what that means, so none
passes for something the documents say. The marks are display only: Copy
gives the answer as the model wrote it. Every part wraps long unbroken strings
(`fitted_text`), so a bubble is never wider than the chat.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final, Literal

from PySide6.QtCore import QEvent, QPoint, QUrl, Signal, Slot
from PySide6.QtGui import QContextMenuEvent, QGuiApplication, QPalette, QTextCharFormat
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.documents.records import Quote, Source
from app.gui.documents import QuotesView, SourcesView, quoted_source
from app.gui.fitted_text import FittedText, caution_color, chip_format, mix, soft_breaks
from app.gui.i18n import QT_TRANSLATE_NOOP
from app.gui.markdown import (
    CITE_SCHEME,
    Caution,
    code_block_at,
    link_citations,
    mark_sentences,
    render_markdown,
)

Role = Literal["user", "assistant"]

# Translated where shown (`MessageView.tr`); "Confidente" is a name and stays as it is.
ROLE_NAMES: Final[Mapping[Role, str]] = {
    "user": QT_TRANSLATE_NOOP("MessageView", "You"),
    "assistant": "Confidente",
}
WAITING_TEXT = "…"
UNSUPPORTED_SIGN = "\u00a0⚠"  # after a sentence no source supports; never wrapped alone


class MarkdownText(FittedText):
    """Rendered Markdown as tall as its text, for stacking in a scroll area.

    Signals:
        link_refused(str): a link in the text was clicked; it is not opened.
        citation_clicked(int): a citation chip (a `cite:n` link) was clicked.
    """

    link_refused = Signal(str)
    citation_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.anchorClicked.connect(self.on_anchor_clicked)
        self._markdown: str | None = None  # rendered with the palette's colours, or plain text
        self.marked_count = 0  # sentences shown as found in no source

    def changeEvent(self, event: QEvent) -> None:
        """A new palette (a theme change): render again, in its colours; a new language:
        again if the text has marks, for their tooltip."""
        super().changeEvent(event)
        kind = event.type()
        marked = kind == QEvent.Type.LanguageChange and bool(getattr(self, "marked_count", 0))
        if (kind == QEvent.Type.PaletteChange or marked) and self._markdown is not None:
            self.set_markdown(self._markdown)

    def set_markdown(self, text: str) -> None:
        """Render `text`, its sentences marked by `markdown.mark_sentences` shown as found
        in no source."""
        self._markdown = text
        palette = self.palette()
        code_background = palette.color(QPalette.ColorRole.AlternateBase)
        self.marked_count = render_markdown(
            self.document(), text, code_background, chip_format(palette), self._caution(palette)
        )

    def _caution(self, palette: QPalette) -> Caution:
        """A dotted amber underline and a ⚠, both telling why on hover."""
        tip = self.tr("Not found in your documents: check this sentence against the sources.")
        color = caution_color(palette)
        sentence = QTextCharFormat()
        sentence.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
        sentence.setUnderlineColor(color)
        sentence.setToolTip(tip)
        sign = QTextCharFormat()
        sign.setForeground(color)
        sign.setToolTip(tip)
        return Caution(sentence, UNSUPPORTED_SIGN, sign)

    def code_block_at(self, point: QPoint) -> str | None:
        """The code block under `point` (viewport coordinates), or None."""
        return code_block_at(self.document(), self.cursorForPosition(point).position())

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self.createStandardContextMenu(event.pos())
        code = self.code_block_at(self.viewport().mapFrom(self, event.pos()))
        if code is not None:
            copy_code = menu.addAction(self.tr("Copy code block"))
            copy_code.triggered.connect(lambda: copy_to_clipboard(code))
        menu.exec(event.globalPos())
        menu.deleteLater()

    @Slot(QUrl)
    def on_anchor_clicked(self, url: QUrl) -> None:
        if url.scheme() == CITE_SCHEME and url.path().isdigit():
            self.citation_clicked.emit(int(url.path()))
        else:
            self.link_refused.emit(url.toString())

    def set_plain(self, text: str) -> None:
        self._markdown = None
        self.marked_count = 0
        self.setPlainText(text)


def copy_to_clipboard(text: str) -> None:
    QGuiApplication.clipboard().setText(text)


class MessageView(QFrame):
    """A bubble: who speaks, the quotes of a document answer, the Markdown text (its
    unsupported sentences marked, and a line saying so), its sources, and a note under
    stopped answers.

    Signals:
        source_chosen(object): the user clicked a citation, a quote or a source row (a
            `Source`; for a quote, its sentence at its offsets: see `quoted_source`).
        regenerate_requested(object): "Regenerate" was pressed on this answer (the view).
        edit_requested(object): "Edit" was pressed on this question (the view).
    """

    source_chosen = Signal(object)
    regenerate_requested = Signal(object)
    edit_requested = Signal(object)

    def __init__(
        self,
        role: Role,
        text: str = "",
        parent: QWidget | None = None,
        sources: Sequence[Source] = (),
        quotes: Sequence[Quote] = (),
        unsupported: Sequence[tuple[int, int]] = (),
    ) -> None:
        super().__init__(parent)
        self.role: Role = role
        self.message_id: int | None = None  # known once the message is stored
        self._text = text
        self._unsupported = tuple(unsupported)
        self._note = ""
        self.setObjectName(f"{role}Message")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self._tint_background()
        self.speaker = QLabel()
        font = self.speaker.font()
        font.setBold(True)
        self.speaker.setFont(font)
        self.quotes_view = QuotesView()
        self.body = MarkdownText()
        self.unsupported_note = QLabel()
        self.unsupported_note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.unsupported_note.setWordWrap(True)
        self.unsupported_note.hide()
        self.sources_view = SourcesView()
        self.note = QLabel()
        self.note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.note.setWordWrap(True)
        self.note.hide()
        self.copy_button = self._tool_button()
        self.copy_button.clicked.connect(self.on_copy_clicked)
        self.action_button = self._tool_button()  # Edit a question, regenerate an answer
        if role == "user":
            self.action_button.clicked.connect(lambda: self.edit_requested.emit(self))
        else:
            self.action_button.clicked.connect(lambda: self.regenerate_requested.emit(self))
        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.addWidget(self.speaker)
        header.addStretch(1)
        header.addWidget(self.action_button)
        header.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(2)
        layout.addLayout(header)
        layout.addWidget(self.quotes_view)
        layout.addWidget(self.body)
        layout.addWidget(self.unsupported_note)
        layout.addWidget(self.sources_view)
        layout.addWidget(self.note)
        self.body.citation_clicked.connect(self.on_citation_clicked)
        self.sources_view.source_chosen.connect(self.source_chosen)
        self.quotes_view.quote_chosen.connect(self.on_quote_chosen)
        self.sources_view.set_sources(sources)
        self.quotes_view.set_quotes(quotes)
        self._render()
        self.retranslate()

    def _tool_button(self) -> QToolButton:
        button = QToolButton(self)
        button.setAutoRaise(True)
        return button

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        kind = event.type()
        if kind == QEvent.Type.LanguageChange:
            self.retranslate()
        elif kind in (QEvent.Type.PaletteChange, QEvent.Type.ParentChange):
            self._tint_background()  # the theme changed, or where the colours come from

    def retranslate(self) -> None:
        user = self.role == "user"
        self.setAccessibleName(self.tr("Your message") if user else self.tr("Answer"))
        self.speaker.setText(self.tr(ROLE_NAMES[self.role]))
        self.body.setAccessibleName(self.tr(ROLE_NAMES[self.role]))
        self.unsupported_note.setText(
            self.tr("Sentences marked ⚠ were not found in your documents.")
        )
        for button, text, tip in (
            (self.copy_button, self.tr("Copy"), self.tr("Copy this message")),
            (
                self.action_button,
                self.tr("Edit") if user else self.tr("Regenerate"),
                self.tr("Edit this message and send it again")
                if user
                else self.tr("Write a new answer"),
            ),
        ):
            button.setText(text)
            button.setToolTip(tip)
            button.setAccessibleName(tip)

    @property
    def text(self) -> str:
        return self._text

    def set_actions_enabled(self, enabled: bool) -> None:
        """Edit and Regenerate are offered only where they make sense (not mid-answer)."""
        self.action_button.setVisible(enabled)

    @Slot()
    def on_copy_clicked(self) -> None:
        copy_to_clipboard(self._text)

    @property
    def sources(self) -> tuple[Source, ...]:
        return self.sources_view.sources

    def _tint_background(self) -> None:
        """Tell the user's messages apart with a hint of the highlight colour.

        Mixed into the base colour of the palette the bubble inherits (the parent's,
        else the application's), so text stays readable in light and dark themes; done
        again whenever that palette changes.
        """
        if self.role != "user":
            return
        parent = self.parentWidget()
        inherited = parent.palette() if parent is not None else QApplication.palette(self)
        tint = mix(
            inherited.color(QPalette.ColorRole.Base),
            inherited.color(QPalette.ColorRole.Highlight),
            0.12,
        )
        if self.palette().color(QPalette.ColorRole.Base) != tint:  # else no PaletteChange loop
            palette = self.palette()
            palette.setColor(QPalette.ColorRole.Base, tint)
            self.setPalette(palette)

    def set_text(self, text: str) -> None:
        """Show `text`: answers as Markdown, the user's own words exactly as typed. Marks
        of unsupported sentences stay only while the text they were found in does."""
        if text != self._text:
            self._unsupported = ()
        self._text = text
        self._render()

    @property
    def unsupported(self) -> tuple[tuple[int, int], ...]:
        return self._unsupported

    def set_unsupported(self, spans: Sequence[tuple[int, int]]) -> None:
        """Mark the answer's sentences at `spans`, (start, end) in its text as in
        `ChatReply.unsupported`, as found in no source; () takes the marks away."""
        if tuple(spans) != self._unsupported:
            self._unsupported = tuple(spans)
            self._render()

    def _render(self) -> None:
        if self.role == "user":
            self.body.set_plain(self._text)
            return
        if not self._text:
            self.body.set_markdown(WAITING_TEXT)
        else:
            numbers = {source.n for source in self.sources if not source.removed}
            marked = mark_sentences(self._text, self._unsupported)
            self.body.set_markdown(link_citations(marked, numbers))
        self.unsupported_note.setVisible(self.body.marked_count > 0)

    def set_sources(self, sources: Sequence[Source]) -> None:
        """The passages this answer cites: its [n] markers become chips, listed below."""
        if tuple(sources) != self.sources:
            self.sources_view.set_sources(sources)
            self._render()

    @Slot(int)
    def on_citation_clicked(self, number: int) -> None:
        source = next((s for s in self.sources if s.n == number and not s.removed), None)
        if source is not None:
            self.source_chosen.emit(source)

    @property
    def quotes(self) -> tuple[Quote, ...]:
        return self.quotes_view.quotes

    def set_quotes(self, quotes: Sequence[Quote]) -> None:
        """The sentences of the sources that answer the question, shown above the answer."""
        self.quotes_view.set_quotes(quotes)

    @Slot(object)
    def on_quote_chosen(self, quote: object) -> None:
        if isinstance(quote, Quote):
            self.source_chosen.emit(quoted_source(quote, self.sources))

    @property
    def note_text(self) -> str:
        return self._note

    def set_note(self, note: str) -> None:
        self._note = note
        self.note.setText(soft_breaks(note))
        self.note.setVisible(bool(note))
