"""The source viewer: the cited passage, in its document, highlighted whole.

A PDF is shown a page at a time (`pdf_page.PdfPageView`), at the cited page,
with every line of the passage lit — or of the quote, when a quote was
clicked. The app's own process never parses the PDF: each page is drawn by
`page_render.render_page_isolated`, in a child process under the readers'
limits (time, memory, no network), which also finds the passage's lines on
the page from PDFium's own text of it, built as the index built it, so the
passage is found whole and not by a few of its words. Only the page's pixels
and the rectangles come back. A file that is gone, damaged, hostile (a bomb,
a crash, an endless page) gives a message in the viewer, never an error
dialog, and the window goes on meanwhile: the child runs off the GUI thread.

Other formats are shown as the text the index was built from, read again off
the GUI thread by `Documents.read_document`, with the passage's [start, end)
selected.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePath

from PySide6.QtCore import QCoreApplication, QSizeF, Qt, Signal, Slot
from PySide6.QtGui import (
    QColor,
    QHideEvent,
    QImage,
    QKeySequence,
    QPalette,
    QTextCharFormat,
    QTextCursor,
    QTextOption,
)
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

from app.core.cancel import CancelToken
from app.core.documents.api import Documents
from app.core.documents.highlight import Rect
from app.core.documents.limits import ExtractionLimits, human_size
from app.core.documents.page_render import LockedPdf, PageNotShown, Reason, render_page_isolated
from app.core.documents.records import Extracted, Source, file_name
from app.core.errors import ConfidenteError
from app.gui.documents.pdf_page import PdfPageView
from app.gui.i18n import QT_TRANSLATE_NOOP, Retranslated
from app.gui.plain_text import plain
from app.gui.tasks import TaskManager

# Translated where shown (`_tr`): the translators are installed after import.
PDF_ERRORS = {
    Reason.GONE: QT_TRANSLATE_NOOP("SourceViewer", "The file is no longer there: {path}"),
    Reason.DAMAGED: QT_TRANSLATE_NOOP(
        "SourceViewer",
        "This file cannot be opened as a PDF (it may be "
        "damaged, or have changed since it was indexed): {path}",
    ),
    Reason.PASSWORD: QT_TRANSLATE_NOOP(
        "SourceViewer", "This PDF is protected by a password: {path}"
    ),
    Reason.SECURITY: QT_TRANSLATE_NOOP(
        "SourceViewer", "This PDF is protected in a way that cannot be opened here: {path}"
    ),
    Reason.CRASHED: QT_TRANSLATE_NOOP(
        "SourceViewer", "The PDF reader crashed on this file: {path}"
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


@dataclass(frozen=True)
class PageImage:
    """A page drawn by the sandboxed reader, as the viewer shows it."""

    page: int  # 0-based
    pages: int
    image: QImage
    points: QSizeF  # the page's displayed size in PDF points
    rects: list[Rect]  # the passage's lines, in points; empty if not looked for or not found
    highlight_error: str  # why the passage could not be looked for, "" if it could


def render_pdf_page(
    path: str,
    page: int,
    width_px: int,
    passage: str,
    near: int | None,
    limits: ExtractionLimits,
    cancel: CancelToken,
) -> PageImage | str | None:
    """Off the GUI thread: page `page` (0-based) drawn in a sandboxed child, or why it
    cannot be (a message for the viewer), or None when cancelled."""
    try:
        drawn = render_page_isolated(
            Path(path), page + 1, width_px, passage, near, limits=limits, cancel=cancel
        )
    except LockedPdf as error:
        return _tr(PDF_ERRORS[error.reason]).format(path=path)
    except PageNotShown as error:
        return page_error(error, path, page, limits)
    except ConfidenteError as error:
        if cancel.cancelled:  # a newer page or size, another source, or the viewer closed
            return None
        return str(error)
    image = QImage(
        drawn.pixels, drawn.width, drawn.height, drawn.stride, QImage.Format.Format_RGBX8888
    )
    return PageImage(
        page=page,
        pages=drawn.pages,
        image=image.copy(),  # its own pixels, not the reply's bytes
        points=QSizeF(*drawn.points),
        rects=list(drawn.rects),
        highlight_error=drawn.highlight_error,
    )


def page_error(error: PageNotShown, path: str, page: int, limits: ExtractionLimits) -> str:
    """Why the page could not be drawn, in the user's language."""
    reason = error.reason
    if reason in PDF_ERRORS:
        return _tr(PDF_ERRORS[reason]).format(path=path)
    if reason is Reason.NO_PAGE:
        return QCoreApplication.translate(
            "SourceViewer",
            "The document now has %n pages, so page {page} is gone: "
            "it has changed since it was indexed. Re-index the library to update it.",
            "",
            error.pages,
        ).format(page=page + 1)
    if reason is Reason.UNREADABLE:
        return QCoreApplication.translate(
            "SourceViewer", "The file cannot be read ({reason}): {path}"
        ).format(reason=error.detail or "", path=path)
    if reason is Reason.TOO_LARGE:
        return QCoreApplication.translate(
            "SourceViewer", "This PDF is larger than {size} MB, too large to show here: {path}"
        ).format(size=limits.max_file_bytes // 2**20, path=path)
    if reason is Reason.TIMEOUT:
        return QCoreApplication.translate(
            "SourceViewer", "This PDF took longer than {seconds} s to show, and was stopped: {path}"
        ).format(seconds=f"{limits.seconds:g}", path=path)
    if reason is Reason.MEMORY:
        return QCoreApplication.translate(
            "SourceViewer",
            "This PDF needs more than the {size} of memory allowed for one file, "
            "or it is damaged: {path}",
        ).format(size=human_size(limits.memory_bytes), path=path)
    if reason is Reason.NO_SIZE:
        return QCoreApplication.translate("PdfPageView", "This page could not be drawn.")
    return _tr(PDF_ERROR).format(path=path)


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
        self,
        documents: Documents,
        tasks: TaskManager,
        parent: QWidget | None = None,
        *,
        limits: ExtractionLimits | None = None,
    ) -> None:
        super().__init__(parent)
        self._documents = documents
        self._tasks = tasks
        self._limits = limits or ExtractionLimits()  # the readers' own, for drawing a page
        self._showing = 0  # generation of the source on screen; older loads are dropped
        self._page_index = 0  # the cited page (0-based)
        self._pages = 0  # the open PDF's page count, once a page of it has been drawn
        self._rects: list[Rect] = []  # the passage's lines on the cited page, once drawn
        self._waiting = False  # for the cited page and its highlight, to say passage_shown
        self._render = 0  # the page render whose result is wanted; older ones are dropped
        self._render_width = 0  # the width it was asked at (device pixels)
        self._render_cancel: CancelToken | None = None
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

        self.page_view = PdfPageView()
        self.page_view.width_changed.connect(self.on_width_changed)
        self.previous_button = QToolButton()
        self.previous_button.setArrowType(Qt.ArrowType.LeftArrow)
        self.previous_button.setShortcut(QKeySequence("Ctrl+PgUp"))
        self.previous_button.clicked.connect(lambda: self.go_to_page(self.page_view.page - 1))
        self.next_button = QToolButton()
        self.next_button.setArrowType(Qt.ArrowType.RightArrow)
        self.next_button.setShortcut(QKeySequence("Ctrl+PgDown"))
        self.next_button.clicked.connect(lambda: self.go_to_page(self.page_view.page + 1))
        self.page_label = QLabel()
        self.zoom_out_button = QToolButton()
        self.zoom_out_button.setText("−")
        self.zoom_out_button.setShortcut(QKeySequence(QKeySequence.StandardKey.ZoomOut))
        self.zoom_out_button.clicked.connect(lambda: self._zoom(self.page_view.zoom_out))
        self.zoom_in_button = QToolButton()
        self.zoom_in_button.setText("+")
        self.zoom_in_button.setShortcut(QKeySequence(QKeySequence.StandardKey.ZoomIn))
        self.zoom_in_button.clicked.connect(lambda: self._zoom(self.page_view.zoom_in))
        self.fit_button = QToolButton()  # shows the zoom; a click fits the page to the width
        self.fit_button.setShortcut(QKeySequence("Ctrl+0"))
        self.fit_button.clicked.connect(lambda: self._zoom(self.page_view.fit_width))
        self.pages_bar = QWidget()
        pages = QHBoxLayout(self.pages_bar)
        pages.setContentsMargins(0, 0, 0, 0)
        pages.addStretch(1)
        pages.addWidget(self.previous_button)
        pages.addWidget(self.page_label)
        pages.addWidget(self.next_button)
        pages.addStretch(1)
        for button in (self.zoom_out_button, self.fit_button, self.zoom_in_button):
            pages.addWidget(button)
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
            (self.zoom_out_button, self.tr("Zoom out (Ctrl+-)")),
            (self.zoom_in_button, self.tr("Zoom in (Ctrl++)")),
            (self.fit_button, self.tr("Fit the page to the width (Ctrl+0)")),
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
        self.retranslate()  # the title and header name this source
        self.header.setToolTip(source.path)
        self._set_note("")
        self._show_message(self.tr("Opening…"))
        self.pages_bar.hide()
        showing = self._showing
        self._close_pdf()  # nothing of a previous PDF is kept
        if is_pdf(source):
            self._page_index = (source.page or 1) - 1
            self._waiting = True
            self._request_page(self._page_index)
        else:
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
        self._cancel_render()
        self.page_view.clear()
        self._pages = 0
        self._rects = []

    def _cancel_render(self) -> None:
        self._render += 1  # whatever is on its way is not wanted any more
        if self._render_cancel is not None:
            self._render_cancel.cancel()  # stops its child, and frees the background queue
            self._render_cancel = None

    def _request_page(self, page_index: int) -> None:
        """Have page `page_index` drawn at the view's width, in the sandboxed reader."""
        source = self.source
        if source is None:
            return
        self._cancel_render()
        cancel = self._render_cancel = CancelToken()
        render, showing = self._render, self._showing
        width = self._render_width = self.page_view.wanted_width()
        path, limits = source.path, self._limits
        passage = source.text if page_index == self._page_index else ""  # lit on its page only
        self._tasks.run_in_background(
            lambda: render_pdf_page(path, page_index, width, passage, source.start, limits, cancel),
            functools.partial(self._show_page_image, showing, render),
        )

    def _show_page_image(self, showing: int, render: int, result: PageImage | str | None) -> None:
        if showing != self._showing or render != self._render or result is None:
            return  # another source, another page or size since; or cancelled
        self._render_cancel = None
        if isinstance(result, str):
            if self._pages == 0:  # nothing of this PDF could be shown: the message alone
                self._show_message(result)
                self._done()
            else:  # a later page or size: its sheet says why
                self.page_view.show_failure(self.page_view.page, result)
            return
        page = result.page
        if page == self._page_index:
            self._rects = result.rects
        if self.page_view.page != page:  # the first page shown of this PDF
            self.page_view.show_page(page, "")
        self._pages = result.pages
        self.page_view.set_image(
            page, result.image, result.points, self._rects if page == self._page_index else ()
        )
        self.stack.setCurrentWidget(self.page_view)
        self.pages_bar.show()
        for widget in (self.previous_button, self.page_label, self.next_button):
            widget.setVisible(self._pages > 1)
        self._show_page_number()
        if self._waiting and page == self._page_index:
            self._finish_pdf(result)
        if self.page_view.wanted_width() != self._render_width:  # resized while it was drawn
            self._request_page(page)

    def go_to_page(self, page_index: int) -> None:
        """Show another page of the open PDF; the passage is lit on its own page only."""
        if not 0 <= page_index < self._pages:
            return
        rects = self._rects if page_index == self._page_index else []
        loading = _tr(LOADING_PAGE).format(page=page_index + 1)
        self.page_view.show_page(page_index, loading, rects)
        self._show_page_number()
        self._request_page(page_index)

    def _zoom(self, change: Callable[[], None]) -> None:
        change()
        self._show_page_number()  # says the zoom

    @Slot()
    def on_width_changed(self) -> None:
        """The page settled at another width (resized, zoomed): drawn again, sharp at it."""
        self._show_page_number()  # the zoom it is shown at
        page = self.page_view.page
        if self._pages and page >= 0 and self.page_view.wanted_width() != self._render_width:
            self._request_page(page)

    def _show_page_number(self) -> None:
        self.fit_button.setText(f"{round(self.page_view.zoom * 100)} %")
        page, pages = self.page_view.page, self._pages
        if page < 0:
            return
        self.page_label.setText(
            self.tr("Page {page} of {pages}").format(page=page + 1, pages=pages)
        )
        self.previous_button.setEnabled(page > 0)
        self.next_button.setEnabled(page + 1 < pages)

    def _finish_pdf(self, drawn: PageImage) -> None:
        """The cited page is on screen, with its highlight if it was found: say so."""
        if drawn.highlight_error:
            self._done(_tr(NO_HIGHLIGHT))
        elif not drawn.rects:
            self._done(_tr(NOT_FOUND))
        else:
            self.highlighted = True
            self._done()

    def hideEvent(self, event: QHideEvent) -> None:
        """Closed: a page still being drawn is not wanted (its child is stopped). Not when
        the window system hid it (its window minimized): it will be shown again as it was."""
        if not event.spontaneous():
            self._cancel_render()
        super().hideEvent(event)

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
