"""What a document answer drew on: its quotes above it, its sources listed under it.

`SourcesView` lists the passages: number, file, page, snippet. Each row's
heading is a `cite:n` link, like the chips in the answer's text; clicking
either opens the source viewer; a source whose document was removed since
shows its number and "source removed", and opens nothing. File names and
passages are untrusted text: they are escaped before going into the rows' rich
text, so they can neither add markup nor name anything to load, and long
unbroken runs get places to wrap.

`QuotesView` shows the sentences of those passages that answer the question,
chosen without the model (`app.core.documents.quotes`): each in italics behind
a bar, with its `[n] p. 12` chip. Clicking a quote opens the viewer on that
very sentence (`quoted_source`). Quotes are put into their documents as plain
text through a cursor, never as markup.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QEvent, QRect, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QPainter, QPaintEvent, QPalette, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from app.core.documents.records import Quote, Source, file_name
from app.gui.fitted_text import FittedText, chip_format, mix, soft_breaks
from app.gui.markdown import CITE_SCHEME

QUOTE_SCHEME = "quote"
QUOTE_BAR_WIDTH = 3
QUOTE_INDENT = 12  # the bar and the space after it

SNIPPET_LENGTH = 160


def snippet(text: str, length: int = SNIPPET_LENGTH) -> str:
    """The passage on one line, cut at a word near `length` characters."""
    line = " ".join(text.split())
    if len(line) <= length:
        return line
    cut = line.rfind(" ", length // 2, length)
    return line[: cut if cut > 0 else length].rstrip(" ,;:.") + "…"


def where(source: Source) -> str:
    """'report.pdf, page 2' or 'notes.md'."""
    name = file_name(source.path)
    if source.page is None:
        return name
    return QCoreApplication.translate("SourcesView", "{name}, page {page}").format(
        name=name, page=source.page
    )


def source_for(sources: Sequence[Source], url: QUrl | str) -> Source | None:
    """The source a `cite:n` link points at, if any."""
    url = QUrl(url) if isinstance(url, str) else url
    if url.scheme() != CITE_SCHEME or not url.path().isdigit():
        return None
    number = int(url.path())
    return next((s for s in sources if s.n == number and not s.removed), None)


def section_title() -> QLabel:
    """The small bold, muted heading of the quotes and of the sources under an answer."""
    title = QLabel()
    font = title.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 0.9)
    title.setFont(font)
    title.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return title


class SourcesView(QFrame):
    """'Sources' and one row per passage; hidden while there are none.

    Signals:
        source_chosen(object): the user clicked the `Source` of a row.
    """

    source_chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sources")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._sources: tuple[Source, ...] = ()
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 4, 0, 0)
        self._layout.setSpacing(2)
        self.title = section_title()
        self._layout.addWidget(self.title)
        self.rows: list[QLabel] = []  # one per source, in order
        self.hide()
        self.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.LanguageChange, QEvent.Type.PaletteChange):
            self.retranslate()  # the rows' muted colour is the palette's, written in their text

    def retranslate(self) -> None:
        """The texts in the interface's language, the rows' colours from the palette."""
        self.setAccessibleName(self.tr("Sources"))
        self.title.setText(self.tr("Sources"))
        for row, source in zip(self.rows, self._sources, strict=True):
            self._show_row(row, source)

    @property
    def sources(self) -> tuple[Source, ...]:
        return self._sources

    def set_sources(self, sources: Sequence[Source]) -> None:
        if tuple(sources) == self._sources:
            return
        self._sources = tuple(sources)
        for row in self.rows:
            self._layout.removeWidget(row)
            row.deleteLater()
        self.rows = [self._row(source) for source in self._sources]
        for row in self.rows:
            self._layout.addWidget(row)
        self.setVisible(bool(self._sources))

    def _row(self, source: Source) -> QLabel:
        row = QLabel()
        row.setTextFormat(Qt.TextFormat.RichText)
        row.setWordWrap(True)
        row.setOpenExternalLinks(False)
        row.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        row.linkActivated.connect(self.on_link_activated)
        self._show_row(row, source)
        return row

    def _show_row(self, row: QLabel, source: Source) -> None:
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText).name()
        if source.removed:  # only its number is left: nothing to show or open
            removed = self.tr("source removed")
            note = f'<span style="color:{muted}"><i>{html.escape(removed)}</i></span>'
            row.setText(f"<b>[{source.n}]</b> {note}")
            row.setAccessibleName(self.tr("Source {n}: {where}").format(n=source.n, where=removed))
            row.setToolTip("")
            return
        row.setText(
            f'<a href="{CITE_SCHEME}:{source.n}" style="text-decoration:none">'
            f"<b>[{source.n}]</b> {html.escape(soft_breaks(where(source)))}</a>"
            f'<br><span style="color:{muted}">{html.escape(soft_breaks(snippet(source.text)))}'
            "</span>"
        )
        row.setAccessibleName(
            self.tr("Source {n}: {where}").format(n=source.n, where=where(source))
        )
        row.setToolTip(self.tr("{path}\nOpen the passage").format(path=source.path))

    @Slot(str)
    def on_link_activated(self, link: str) -> None:
        source = source_for(self._sources, link)
        if source is not None:
            self.source_chosen.emit(source)


def page_label(page: int | None) -> str:
    """'p. 12' (empty for formats without pages)."""
    if page is None:
        return ""
    return QCoreApplication.translate("SourcesView", "p. {page}").format(page=page)


def quoted_source(quote: Quote, sources: Sequence[Source]) -> Source:
    """What the viewer opens for a quote: its own sentence, at its offsets in the page,
    in the file (and of the kind) of the source it was taken from."""
    kind = next((s.kind for s in sources if s.n == quote.n and s.path == quote.path), "")
    return Source(
        quote.n, quote.path, quote.page, quote.text, quote.score, quote.start, quote.end, kind
    )


class QuoteText(FittedText):
    """One quote: its words in italics behind a bar, then its `[n] p. 12` chip.

    The whole of it is one link, so a click anywhere on it opens the passage; it
    can still be selected and copied.

    Signals:
        chosen(): the quote was clicked.
    """

    chosen = Signal()

    def __init__(self, quote: Quote, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.quote = quote
        self.anchorClicked.connect(self.on_anchor_clicked)
        self._show_quote()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.LanguageChange):
            self._show_quote()  # the chip's colours come from the palette, "p." from the language

    def _show_quote(self) -> None:
        quote, palette = self.quote, self.palette()
        href = f"{QUOTE_SCHEME}:{quote.n}"
        words = QTextCharFormat()
        words.setFontItalic(True)
        words.setAnchor(True)
        words.setAnchorHref(href)
        words.setForeground(palette.color(QPalette.ColorRole.Text))
        chip = chip_format(palette)
        chip.setAnchor(True)
        chip.setAnchorHref(href)
        parts = (f"[{quote.n}]", page_label(quote.page))
        label = "\u00a0".join(part.replace(" ", "\u00a0") for part in parts if part)  # one piece
        document = self.document()
        document.clear()  # which also resets the margins: the bar's room is made again
        root = document.rootFrame()
        frame_format = root.frameFormat()
        frame_format.setLeftMargin(QUOTE_INDENT)
        root.setFrameFormat(frame_format)
        cursor = QTextCursor(document)
        cursor.insertText(" ".join(quote.text.split()), words)
        cursor.insertText(" ", QTextCharFormat())
        cursor.insertText(f"\u00a0{label}\u00a0", chip)
        self.setToolTip(
            self.tr("{where}\nOpen this passage").format(where=where(quoted_source(quote, ())))
        )
        self.setAccessibleName(
            self.tr("Quote from source {n}: {text}").format(n=quote.n, text=quote.text)
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        painter = QPainter(self.viewport())
        palette = self.palette()
        bar = mix(
            palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Link), 0.6
        )
        painter.fillRect(QRect(1, 2, QUOTE_BAR_WIDTH, self.viewport().height() - 4), bar)
        painter.end()

    @Slot(QUrl)
    def on_anchor_clicked(self, url: QUrl) -> None:
        if url.scheme() == QUOTE_SCHEME:
            self.chosen.emit()


class QuotesView(QFrame):
    """'From your documents' and one `QuoteText` per quote; hidden while there are none.

    Signals:
        quote_chosen(object): the user clicked this `Quote`.
    """

    quote_chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("quotes")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._quotes: tuple[Quote, ...] = ()
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 2, 0, 4)
        self._layout.setSpacing(4)
        self.title = section_title()
        self._layout.addWidget(self.title)
        self.rows: list[QuoteText] = []  # one per quote, in order
        self.hide()
        self.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()

    def retranslate(self) -> None:
        self.setAccessibleName(self.tr("Quotes from your documents"))
        self.title.setText(self.tr("From your documents"))

    @property
    def quotes(self) -> tuple[Quote, ...]:
        return self._quotes

    def set_quotes(self, quotes: Sequence[Quote]) -> None:
        if tuple(quotes) == self._quotes:
            return
        self._quotes = tuple(quotes)
        for row in self.rows:
            self._layout.removeWidget(row)
            row.deleteLater()
        self.rows = []
        for quote in self._quotes:
            row = QuoteText(quote)
            row.chosen.connect(functools.partial(self.quote_chosen.emit, quote))
            self._layout.addWidget(row)
            self.rows.append(row)
        self.setVisible(bool(self._quotes))
