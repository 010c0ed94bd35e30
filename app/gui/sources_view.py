"""The passages a document answer drew on, listed under it: number, file, page, snippet.

Each row's heading is a `cite:n` link, like the chips in the answer's text;
clicking either opens the source viewer. File names and passages are untrusted
text: they are escaped before going into the rows' rich text, so they can
neither add markup nor name anything to load.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from app.core.documents.records import Source
from app.gui.document_model import file_name
from app.gui.markdown import CITE_SCHEME

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
    return next((s for s in sources if s.n == number), None)


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
        self.title = QLabel()
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 0.9)
        self.title.setFont(font)
        self.title.setForegroundRole(QPalette.ColorRole.PlaceholderText)
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
        row.setText(
            f'<a href="{CITE_SCHEME}:{source.n}" style="text-decoration:none">'
            f"<b>[{source.n}]</b> {html.escape(where(source))}</a>"
            f'<br><span style="color:{muted}">{html.escape(snippet(source.text))}</span>'
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
