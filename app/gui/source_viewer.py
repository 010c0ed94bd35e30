"""The source viewer: the cited passage, in its document, highlighted.

A PDF is shown by QtPdf at the cited page. QPdfView highlights search results
only, so the passage is found with a `QPdfSearchModel` searching a run of its
words that QtPdf's own text of that page contains (the index was built from
pypdf's text, which can differ in spacing or hyphenation), and that result is
made current. Other formats are shown as the text the index was built from,
read again off the GUI thread by `Documents.read_document`, with the
passage's [start, end) selected. A file that is gone, changed or broken gives
a message in the viewer, never an error dialog.

A PDF's bytes are read off the GUI thread (with the readers' size limit);
QtPdf then opens them from memory, lazily, page by page.
"""

from __future__ import annotations

import functools
from pathlib import PurePath

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QCoreApplication,
    QIODevice,
    QModelIndex,
    QPointF,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QPalette, QTextCharFormat, QTextCursor
from PySide6.QtPdf import QPdfDocument, QPdfLink, QPdfSearchModel
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QStackedWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.documents.api import Documents
from app.core.documents.extract import ExtractionLimits
from app.core.documents.records import Extracted, Source
from app.core.errors import ConfidenteError
from app.gui.document_model import file_name
from app.gui.i18n import QT_TRANSLATE_NOOP, Retranslated
from app.gui.tasks import TaskManager

MAX_PDF_BYTES = ExtractionLimits().max_file_bytes  # what the readers accept, the viewer shows
PHRASE_LENGTHS = range(8, 1, -1)  # words: the longest run found is the most distinctive
SEARCH_TIMEOUT_MS = 5000
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


def _tr(text: str) -> str:
    """A text marked with QT_TRANSLATE_NOOP("SourceViewer", …), translated now
    (`translate` is thread-safe: the readers below run off the GUI thread)."""
    return QCoreApplication.translate("SourceViewer", text)


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def find_phrase(passage: str, page_text: str) -> str | None:
    """A run of the passage's words that the page's text contains, to search for.

    The first 8 words if they are there, then shorter runs, from the start of
    the passage first; a run that occurs once on the page is preferred.
    """
    words = passage.split()
    if not words:
        return None
    page = _normal(page_text)
    fallback: str | None = None
    for length in PHRASE_LENGTHS:
        length = min(length, len(words))
        for start in range(len(words) - length + 1):
            run = " ".join(words[start : start + length])
            found = page.count(_normal(run))
            if found == 1:
                return run
            if found and fallback is None:
                fallback = run
        if fallback is not None:
            return fallback
    return None


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
        self._page_index = 0
        self.source: Source | None = None
        self.highlighted = False
        self.resize(760, 860)

        self.header = QLabel()
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.note.hide()
        self.message = QLabel()
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)

        self.pdf_document = QPdfDocument(self)
        self._pdf_buffer: QBuffer | None = None  # the open PDF's bytes, read off this thread
        self.pdf_search = QPdfSearchModel(self)
        self.pdf_search.setDocument(self.pdf_document)
        self.pdf_view = QPdfView()
        self.pdf_view.setDocument(self.pdf_document)
        self.pdf_view.setPageMode(QPdfView.PageMode.MultiPage)
        self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.pdf_view.setSearchModel(self.pdf_search)
        self.text_view = QPlainTextEdit()
        self.text_view.setReadOnly(True)
        self.text_view.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.stack = QStackedWidget()
        for widget in (self.message, self.pdf_view, self.text_view):
            self.stack.addWidget(widget)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)

        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.note)
        layout.addWidget(self.stack, 1)
        layout.addWidget(buttons)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_TIMEOUT_MS)
        self._search_timer.timeout.connect(self.on_search_timed_out)
        self.pdf_search.rowsInserted.connect(self.on_search_results)
        self.pdf_search.modelReset.connect(self.on_search_results)
        self.retranslate()

    def retranslate(self) -> None:
        """The viewer's own texts; the passage's note stays in the language it was shown in."""
        self.setAccessibleName(self.tr("Source viewer"))
        self.header.setAccessibleName(self.tr("Source"))
        self.note.setAccessibleName(self.tr("Note about the passage"))
        self.message.setAccessibleName(self.tr("Message"))
        self.pdf_view.setAccessibleName(self.tr("Document page"))
        self.text_view.setAccessibleName(self.tr("Document text"))
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
        self._search_timer.stop()
        self.pdf_search.setSearchString("")
        self.pdf_view.setCurrentSearchResultIndex(-1)
        self.retranslate()  # the title and header name this source
        self.header.setToolTip(source.path)
        self._set_note("")
        self._show_message(self.tr("Opening…"))
        showing = self._showing
        if is_pdf(source):
            path = source.path
            self._tasks.run_in_background(
                lambda: read_pdf_bytes(path),
                functools.partial(self._open_pdf, showing),
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
        self._set_note(note)
        self.passage_shown.emit()

    # --- PDF -----------------------------------------------------------------------

    def _close_pdf(self) -> None:
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
        self.stack.setCurrentWidget(self.pdf_view)
        if not 0 <= page_index < pages:
            self._done(
                self.tr(
                    "The document now has %n pages, so page {page} is gone: "
                    "it has changed since it was indexed. Re-index the library to update it.",
                    "",
                    pages,
                ).format(page=source.page)
            )
            return
        self._page_index = page_index
        navigator = self.pdf_view.pageNavigator()
        navigator.jump(page_index, QPointF(), navigator.currentZoom())
        phrase = find_phrase(source.text, self.pdf_document.getAllText(page_index).text())
        if phrase is None:
            self._done(_tr(NOT_FOUND))
            return
        self._search_timer.start()
        self.pdf_search.setSearchString(phrase)

    @Slot()
    def on_search_results(self) -> None:
        """Results come in page by page: take the first one on the cited page."""
        if not self._search_timer.isActive():
            return
        for index in range(self.pdf_search.rowCount(QModelIndex())):
            link = self.pdf_search.resultAtIndex(index)
            if link.page() == self._page_index:
                self._search_timer.stop()
                self.pdf_view.setCurrentSearchResultIndex(index)
                self._scroll_to(link)
                self.highlighted = True
                self._done()
                return

    @Slot()
    def on_search_timed_out(self) -> None:
        self._done(_tr(NO_HIGHLIGHT))

    def _scroll_to(self, link: QPdfLink) -> None:
        """Bring the result into view, a third of the way down, without leaving its page.

        QPdfView scrolls a jump to the top of the page only; in FitToWidth mode
        every page has the same scale, found from the scrollable height.
        """
        navigator = self.pdf_view.pageNavigator()
        navigator.jump(link)
        document = self.pdf_document
        heights = [document.pagePointSize(i).height() for i in range(document.pageCount())]
        bar = self.pdf_view.verticalScrollBar()
        margins = self.pdf_view.documentMargins()
        spacing = self.pdf_view.pageSpacing()
        fixed = margins.top() + margins.bottom() + spacing * (len(heights) - 1)
        scale = (bar.maximum() + bar.pageStep() - fixed) / sum(heights) if sum(heights) else 0.0
        if scale <= 0:
            return
        page_top = margins.top() + spacing * link.page() + scale * sum(heights[: link.page()])
        target = page_top + scale * link.location().y() - bar.pageStep() / 3
        bar.setValue(int(max(page_top, target)))

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
