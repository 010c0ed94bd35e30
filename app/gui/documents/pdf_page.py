"""One page of a PDF, fitted to the width of the view, with a passage lit on it.

QtPdf renders the page on its own thread (`QPdfPageRenderer`, multi-threaded),
so a large page never stops the window. Until the page's first image arrives
the view says "Loading page…" on a page-shaped sheet, never a blank page; when
the view is resized, the last image is scaled until the sharp one comes.

The passage's rectangles are given in PDF points from the top-left corner of
the displayed page (`app.core.documents.highlight.Rect`), and are drawn as a
highlighter pen would: yellow multiplied into the page, so the words stay black.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, QSizeF, Qt, QTimer, Signal, Slot
from PySide6.QtGui import (
    QColor,
    QImage,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QResizeEvent,
)
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions, QPdfPageRenderer
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

from app.core.documents.highlight import Rect

MARGIN = 8  # pixels around the page
RESIZE_DELAY_MS = 120  # a new render once the view has stopped changing size
MAX_SIDE_PX = 8_000  # a page is never rendered larger than this on either side
HIGHLIGHT = QColor(255, 226, 80)  # multiplied into the page: white turns yellow, ink stays
HIGHLIGHT_PAD_PT = 1.0


class PageCanvas(QWidget):
    """The page's image (or its placeholder) and the lit passage, at the canvas's size."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image: QImage | None = None
        self.placeholder = ""
        self.page_points = QSizeF()
        self.rects: list[Rect] = []

    def page_rect(self) -> QRectF:
        return QRectF(MARGIN, MARGIN, self.width() - 2 * MARGIN, self.height() - 2 * MARGIN)

    def scale(self) -> float:
        """Pixels (logical) per PDF point."""
        width = self.page_points.width()
        return self.page_rect().width() / width if width > 0 else 0.0

    def highlight_rects(self) -> list[QRectF]:
        """The lit lines, in the canvas's coordinates."""
        page, scale = self.page_rect(), self.scale()
        pad = HIGHLIGHT_PAD_PT * scale
        return [
            QRectF(
                page.x() + left * scale - pad,
                page.y() + top * scale - pad,
                (right - left) * scale + 2 * pad,
                (bottom - top) * scale + 2 * pad,
            )
            for left, top, right, bottom in self.rects
        ]

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        page = self.page_rect()
        painter.fillRect(page, Qt.GlobalColor.white)
        if self.image is None or self.image.isNull():
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(
                page.adjusted(0, 2 * MARGIN, 0, 0),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                self.placeholder,
            )
            painter.end()
            return
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(page, self.image)
        lit = QPainterPath()
        for rect in self.highlight_rects():
            lit.addRect(rect)
        # One shape: where two lines' boxes overlap, the pen does not go over twice.
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Multiply)
        painter.fillPath(lit.simplified(), HIGHLIGHT)
        painter.end()


class PdfPageView(QScrollArea):
    """Shows one page of `document` at a time, as wide as the view.

    Signals:
        page_rendered(int): the page (0-based) is on screen, drawn from its rendered image
            (or, if it could not be rendered, with a message saying so).
    """

    page_rendered = Signal(int)

    def __init__(self, document: QPdfDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setBackgroundRole(QPalette.ColorRole.Mid)
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.setWidgetResizable(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.canvas = PageCanvas()
        self.setWidget(self.canvas)
        self._renderer = QPdfPageRenderer(self)
        self._renderer.setRenderMode(QPdfPageRenderer.RenderMode.MultiThreaded)
        self._renderer.setDocument(document)
        self._renderer.pageRendered.connect(self.on_page_rendered)
        self._page = -1
        self._request = -1  # the render whose image is wanted; older ones are dropped
        self._rendered = False
        self._resize_timer = QTimer(self)
        self._resize_timer.setSingleShot(True)
        self._resize_timer.setInterval(RESIZE_DELAY_MS)
        self._resize_timer.timeout.connect(self._request_render)

    @property
    def page(self) -> int:
        """The page shown (0-based), -1 before any."""
        return self._page

    @property
    def rendered(self) -> bool:
        """Whether the page shown is drawn from its image (not the placeholder)."""
        return self._rendered

    @property
    def highlights(self) -> list[Rect]:
        return list(self.canvas.rects)

    def show_page(self, page: int, placeholder: str, rects: Sequence[Rect] = ()) -> None:
        """Show `page` ("placeholder" until it is rendered), with `rects` lit on it."""
        self._page = page
        self._rendered = False
        self.canvas.image = None
        self.canvas.placeholder = placeholder
        self.canvas.page_points = self._document.pagePointSize(page)
        self.canvas.rects = list(rects)
        self._fit_canvas()
        self.verticalScrollBar().setValue(0)
        self.canvas.update()
        if self._page_size().isEmpty():  # a page without a size: nothing will be rendered
            self.canvas.placeholder = self.tr("This page could not be drawn.")
            self._rendered = True
            self.page_rendered.emit(page)
            return
        self._request_render()

    def clear(self) -> None:
        self._page = -1
        self._request = -1
        self._rendered = False
        self.canvas.image = None
        self.canvas.rects = []
        self.canvas.update()

    def set_highlights(self, rects: Sequence[Rect]) -> None:
        """Light `rects` on the page shown, and bring the first into view."""
        self.canvas.rects = list(rects)
        self.canvas.update()
        self.scroll_to_highlight()

    def scroll_to_highlight(self) -> None:
        """The first lit line a third of the way down the view (if the page is taller)."""
        lit = self.canvas.highlight_rects()
        if lit:
            bar = self.verticalScrollBar()
            bar.setValue(int(lit[0].top() - self.viewport().height() / 3))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._page >= 0:
            self._fit_canvas()  # the old image, scaled, until the new one is rendered
            self._resize_timer.start()

    def _page_size(self) -> QSize:
        """The page's size in logical pixels at the view's width (bounded)."""
        points = self.canvas.page_points
        if points.width() <= 0 or points.height() <= 0:
            return QSize(0, 0)
        width = max(1, self.viewport().width() - 2 * MARGIN)
        height = width * points.height() / points.width()
        ratio = self.devicePixelRatioF()
        shrink = min(1.0, MAX_SIDE_PX / (width * ratio), MAX_SIDE_PX / (height * ratio))
        return QSize(max(1, int(width * shrink)), max(1, int(height * shrink)))

    def _fit_canvas(self) -> None:
        size = self._page_size()
        if size.isEmpty():  # room for the message that says so
            size = QSize(max(1, self.viewport().width() - 2 * MARGIN), 6 * MARGIN)
        self.canvas.setFixedSize(size.width() + 2 * MARGIN, size.height() + 2 * MARGIN)

    @Slot()
    def _request_render(self) -> None:
        size = self._page_size()
        if self._page < 0 or size.isEmpty():
            return
        ratio = self.devicePixelRatioF()
        pixels = QSize(round(size.width() * ratio), round(size.height() * ratio))
        self._request = self._renderer.requestPage(self._page, pixels, QPdfDocumentRenderOptions())

    @Slot(int, QSize, QImage, QPdfDocumentRenderOptions, "qulonglong")
    def on_page_rendered(
        self,
        page: int,
        _size: QSize,
        image: QImage,
        _options: QPdfDocumentRenderOptions,
        request: int,
    ) -> None:
        if page != self._page or request != self._request:
            return  # another page, or a size the view no longer has
        if image.isNull():
            self.canvas.placeholder = self.tr("This page could not be drawn.")
        image.setDevicePixelRatio(self.devicePixelRatioF())
        self.canvas.image = image
        self.canvas.update()
        first = not self._rendered
        self._rendered = True
        if first:
            self.scroll_to_highlight()
            self.page_rendered.emit(page)
