"""The source viewer: the cited passage, in its document, highlighted whole.

A PDF is shown a page at a time (`pdf_page.PdfPageView`), at the cited page,
with every line of the passage lit — or of the quote, when a quote was
clicked. Where those lines are is worked out by
`highlight.passage_rects_isolated`: in a child process under the readers'
limits, since a PDF is untrusted, from PDFium's own text of the page built as
the index built it, so the passage is found whole and not by a few of its
words. The page is shown as soon as it is rendered; the highlight follows.

Other formats are shown as the text the index was built from, read again off
the GUI thread by `Documents.read_document`, with the passage's [start, end)
selected. A file that is gone, changed or broken gives a message in the
viewer, never an error dialog.

A PDF's bytes are read off the GUI thread (with the readers' size limit);
QtPdf then opens them from memory, and renders pages on its own thread.
"""

from __future__ import annotations

import functools
from pathlib import Path, PurePath

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QCoreApplication,
    QIODevice,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QKeySequence, QPalette, QTextCharFormat, QTextCursor, QTextOption
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QStackedWidget,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.documents.api import Documents
from app.core.documents.highlight import HighlightError, Rect, passage_rects_isolated
from app.core.documents.limits import ExtractionLimits
from app.core.documents.records import Extracted, Source
from app.core.errors import ConfidenteError
from app.gui.documents.document_model import file_name
from app.gui.documents.pdf_page import PdfPageView
from app.gui.i18n import QT_TRANSLATE_NOOP, Retranslated
from app.gui.plain_text import plain
from app.gui.tasks import TaskManager

MAX_PDF_BYTES = ExtractionLimits().max_file_bytes  # what the readers accept, the viewer shows
# Translated where shown (`_tr`): the translators are installed after import.
PDF_ERRORS = {
    QPdfDocument.Error.FileNotFound: QT_TRANSLATE_NOOP(
        "SourceViewer", "The file is no longer there: {path}"
    ),
    QPdfDocument.Error.InvalidFileFormat: QT_TRANSLATE_NOOP(
        "SourceViewer",
        "This file cannot be opened as a PDF (it may be "
        "damaged, or have changed since it was indexed): {path}",
    ),
    QPdfDocument.Error.IncorrectPassword: QT_TRANSLATE_NOOP(
        "SourceViewer", "This PDF is protected by a password: {path}"
    ),
    QPdfDocument.Error.UnsupportedSecurityScheme: QT_TRANSLATE_NOOP(
        "SourceViewer", "This PDF is protected in a way that cannot be opened here: {path}"
    ),
}
PDF_ERROR = QT_TRANSLATE_NOOP("SourceViewer", "This PDF cannot be opened: {path}")
NOT_FOUND = QT_TRANSLATE_NOOP(
    "SourceViewer",
    "The passage was not found in the file as it is now: it may have changed since it was "
    "indexed. Re-index the library to bring it up to date.",
)
NO_HIGHLIGHT = QT_TRANSLATE_NOOP(
    "SourceViewer", "The passage is on this page, but could not be highlighted."
)
LOADING_PAGE = QT_TRANSLATE_NOOP("SourceViewer", "Loading page {page}…")


def _tr(text: str) -> str:
    """A text marked with QT_TRANSLATE_NOOP("SourceViewer", …), translated now
    (`translate` is thread-safe: the readers below run off the GUI thread)."""
    return QCoreApplication.translate("SourceViewer", text)


def passage_span(text: str, source: Source) -> tuple[int, int] | None:
    """Where the passage is in `text`: its recorded offsets, or else where its text is."""
    if text[source.start : source.end] == source.text:
        return source.start, source.end
    found = text.find(source.text) if source.text else -1
    return (found, found + len(source.text)) if found >= 0 else None


def shown_text(text: str) -> str:
    """The text as a Qt editor holds it: one character per line break."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def editor_position(text: str, index: int) -> int:
    """A Python index into `text` as a position in an editor showing `shown_text(text)`
    (Qt counts UTF-16 code units)."""
    return len(shown_text(text[:index]).encode("utf-16-le")) // 2


def is_pdf(source: Source) -> bool:
    if source.kind:
        return source.kind == "pdf" and source.page is not None
    return PurePath(source.path).suffix.lower() == ".pdf" and source.page is not None


def read_pdf_bytes(path: str, limit: int = MAX_PDF_BYTES) -> bytes | str:
    """Off the GUI thread: the PDF's bytes, or why they cannot be had."""
    try:
        with open(path, "rb") as file:
            data = file.read(limit + 1)
    except FileNotFoundError:
        return _tr(PDF_ERRORS[QPdfDocument.Error.FileNotFound]).format(path=path)
    except OSError as error:
        return QCoreApplication.translate(
            "SourceViewer", "The file cannot be read ({reason}): {path}"
        ).format(reason=error.strerror, path=path)
    if len(data) > limit:
        return QCoreApplication.translate(
            "SourceViewer", "This PDF is larger than {size} MB, too large to show here: {path}"
        ).format(size=limit // 2**20, path=path)
    return data


def find_rects(path: str, page: int, passage: str, near: int) -> list[Rect] | str:
    """Off the GUI thread: the passage's lines on the page, or why they cannot be had."""
    try:
        return passage_rects_isolated(Path(path), page, passage, near)
    except HighlightError as error:
        return str(error)


def _read(documents: Documents, path: str) -> Extracted | str:
    """Off the GUI thread: the document's text, or why it cannot be read."""
    try:
        return documents.read_document(path)
    except ConfidenteError as error:
        return str(error)
    except OSError as error:
        return QCoreApplication.translate(
            "SourceViewer", "The file cannot be read ({reason}): {path}"
        ).format(reason=error.strerror, path=path)


class SourceViewer(Retranslated, QDialog):
    """One passage at a time; `show_source` replaces what is shown.

    Signals:
        passage_shown(): the cited page or text is on screen, the passage
            highlighted if it could be found (see `highlighted`), or a message
            says why not.
    """

    passage_shown = Signal()

    def __init__(
        self, documents: Documents, tasks: TaskManager, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._documents = documents
        self._tasks = tasks
        self._showing = 0  # generation of the source on screen; older loads are dropped
        self._page_index = 0  # the cited page (0-based)
        self._rects: list[Rect] | str | None = None  # the passage's lines, why not, or not yet
        self._waiting = False  # for the cited page and its highlight, to say passage_shown
        self.source: Source | None = None
        self.highlighted = False
        self.resize(760, 860)

        self.header = QLabel()
        plain(self.header)  # a file name, untrusted
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note = QLabel()
        plain(self.note)
        self.note.setWordWrap(True)
        self.note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.note.hide()
        self.message = QLabel()
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)

        self.pdf_document = QPdfDocument(self)
        self._pdf_buffer: QBuffer | None = None  # the open PDF's bytes, read off this thread
        self.page_view = PdfPageView(self.pdf_document)
        self.page_view.page_rendered.connect(self.on_page_rendered)
        self.previous_button = QToolButton()
        self.previous_button.setArrowType(Qt.ArrowType.LeftArrow)
        self.previous_button.setShortcut(QKeySequence("Ctrl+PgUp"))
        self.previous_button.clicked.connect(lambda: self.go_to_page(self.page_view.page - 1))
        self.next_button = QToolButton()
        self.next_button.setArrowType(Qt.ArrowType.RightArrow)
        self.next_button.setShortcut(QKeySequence("Ctrl+PgDown"))
        self.next_button.clicked.connect(lambda: self.go_to_page(self.page_view.page + 1))
        self.page_label = QLabel()
        self.pages_bar = QWidget()
        pages = QHBoxLayout(self.pages_bar)
        pages.setContentsMargins(0, 0, 0, 0)
        pages.addStretch(1)
        pages.addWidget(self.previous_button)
        pages.addWidget(self.page_label)
        pages.addWidget(self.next_button)
        pages.addStretch(1)
        self.pages_bar.hide()

        self.text_view = QPlainTextEdit()
        self.text_view.setReadOnly(True)
        self.text_view.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.text_view.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.stack = QStackedWidget()
        for widget in (self.message, self.page_view, self.text_view):
            self.stack.addWidget(widget)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)

        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.note)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.pages_bar)
        layout.addWidget(buttons)
        self.retranslate()

    def retranslate(self) -> None:
        """The viewer's own texts; the passage's note stays in the language it was shown in."""
        self.setAccessibleName(self.tr("Source viewer"))
        self.header.setAccessibleName(self.tr("Source"))
        self.note.setAccessibleName(self.tr("Note about the passage"))
        self.message.setAccessibleName(self.tr("Message"))
        self.page_view.setAccessibleName(self.tr("Document page"))
        self.text_view.setAccessibleName(self.tr("Document text"))
        for button, tip in (
            (self.previous_button, self.tr("Previous page (Ctrl+Page Up)")),
            (self.next_button, self.tr("Next page (Ctrl+Page Down)")),
        ):
            button.setToolTip(tip)
            button.setAccessibleName(tip)
        self._show_page_number()
        source = self.source
        if source is None:
            self.setWindowTitle(self.tr("Source"))
            return
        name = file_name(source.path)
        where = self.tr("page {page}").format(page=source.page) if source.page is not None else ""
        self.setWindowTitle(f"[{source.n}] {name}" + (f", {where}" if where else ""))
        self.header.setText(f"[{source.n}] {name}" + (f" — {where}" if where else ""))

    # --- what to show --------------------------------------------------------------

    def show_source(self, source: Source) -> None:
        self._showing += 1
        self.source = source
        self.highlighted = False
        self._waiting = False
        self._rects = None
        self.retranslate()  # the title and header name this source
        self.header.setToolTip(source.path)
        self._set_note("")
        self._show_message(self.tr("Opening…"))
        self.pages_bar.hide()
        showing = self._showing
        if is_pdf(source):
            path, page = source.path, source.page or 1
            self._tasks.run_in_background(
                lambda: read_pdf_bytes(path),
                functools.partial(self._open_pdf, showing),
            )
            self._tasks.run_in_background(
                lambda: find_rects(path, page, source.text, source.start),
                functools.partial(self._show_rects, showing),
            )
        else:
            self._close_pdf()  # nothing of a previous PDF is kept open
            documents = self._documents
            self._tasks.run_in_background(
                lambda: _read(documents, source.path),
                lambda result: self._show_text(showing, result),
            )

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.stack.setCurrentWidget(self.message)

    def _set_note(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def _done(self, note: str = "") -> None:
        self._waiting = False
        self._set_note(note)
        self.passage_shown.emit()

    # --- PDF -----------------------------------------------------------------------

    def _close_pdf(self) -> None:
        self.page_view.clear()
        self.pdf_document.close()
        if self._pdf_buffer is not None:
            self._pdf_buffer.close()
            self._pdf_buffer.deleteLater()
            self._pdf_buffer = None

    def _open_pdf(self, showing: int, data: bytes | str) -> None:
        source = self.source
        if showing != self._showing or source is None:
            return
        self._close_pdf()
        if isinstance(data, str):  # why the file could not be read
            self._show_message(data)
            self._done()
            return
        # The buffer must live as long as the document reads from it.
        self._pdf_buffer = QBuffer(self)
        self._pdf_buffer.setData(QByteArray(data))
        self._pdf_buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.pdf_document.load(self._pdf_buffer)
        error = self.pdf_document.error()
        if self.pdf_document.status() != QPdfDocument.Status.Ready:
            self._show_message(_tr(PDF_ERRORS.get(error, PDF_ERROR)).format(path=source.path))
            self._done()
            return
        pages = self.pdf_document.pageCount()
        page_index = (source.page or 1) - 1
        if not 0 <= page_index < pages:
            self._show_message(
                self.tr(
                    "The document now has %n pages, so page {page} is gone: "
                    "it has changed since it was indexed. Re-index the library to update it.",
                    "",
                    pages,
                ).format(page=source.page)
            )
            self._done()
            return
        self._page_index = page_index
        self._waiting = True
        self.go_to_page(page_index)  # its placeholder first, then on screen: never blank
        self.stack.setCurrentWidget(self.page_view)
        self.pages_bar.setVisible(pages > 1)

    def go_to_page(self, page_index: int) -> None:
        """Show another page of the open PDF; the passage is lit on its own page only."""
        if not 0 <= page_index < self.pdf_document.pageCount():
            return
        rects = self._rects if page_index == self._page_index else None
        loading = _tr(LOADING_PAGE).format(page=page_index + 1)
        self.page_view.show_page(page_index, loading, rects if isinstance(rects, list) else ())
        self._show_page_number()

    def _show_page_number(self) -> None:
        page, pages = self.page_view.page, self.pdf_document.pageCount()
        if page < 0:
            return
        self.page_label.setText(
            self.tr("Page {page} of {pages}").format(page=page + 1, pages=pages)
        )
        self.previous_button.setEnabled(page > 0)
        self.next_button.setEnabled(page + 1 < pages)

    def _show_rects(self, showing: int, rects: list[Rect] | str) -> None:
        if showing != self._showing:
            return
        self._rects = rects
        if isinstance(rects, list) and self.page_view.page == self._page_index:
            self.page_view.set_highlights(rects)
        self._finish_pdf()

    @Slot(int)
    def on_page_rendered(self, page: int) -> None:
        if page == self._page_index:
            self._finish_pdf()

    def _finish_pdf(self) -> None:
        """Once the cited page is on screen and its highlight is known: say so."""
        rects = self._rects
        if not self._waiting or rects is None or not self.page_view.rendered:
            return
        if isinstance(rects, str):
            self._done(_tr(NO_HIGHLIGHT))
        elif not rects:
            self._done(_tr(NOT_FOUND))
        else:
            self.highlighted = True
            self._done()

    # --- other formats -------------------------------------------------------------

    def _show_text(self, showing: int, result: Extracted | str) -> None:
        source = self.source
        if showing != self._showing or source is None:
            return
        if isinstance(result, str):
            self._show_message(result)
            self._done()
            return
        pages = result.pages
        page = next((p for p in pages if p.number == source.page), None)
        if page is None and pages and source.page is None:
            page = pages[0]
        if page is None:
            self._show_message(_tr(NOT_FOUND))
            self._done()
            return
        self.text_view.setPlainText(shown_text(page.text))
        self.stack.setCurrentWidget(self.text_view)
        span = passage_span(page.text, source)
        if span is None:
            self._done(_tr(NOT_FOUND))
            return
        cursor = QTextCursor(self.text_view.document())
        cursor.setPosition(editor_position(page.text, span[0]))
        cursor.setPosition(editor_position(page.text, span[1]), QTextCursor.MoveMode.KeepAnchor)
        self.text_view.setTextCursor(cursor)
        highlight = QTextEdit.ExtraSelection()
        highlight.cursor = cursor
        highlight.format = self._highlight_format()
        self.text_view.setExtraSelections([highlight])
        self.text_view.centerCursor()
        self.highlighted = True
        self._done()

    def _highlight_format(self) -> QTextCharFormat:
        mark = QTextCharFormat()
        mark.setBackground(QColor(255, 214, 0, 110))  # a marker pen, readable in both themes
        return mark
