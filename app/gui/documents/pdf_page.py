"""One page of a PDF, as an image fitted to the width of the view, with a passage lit on it.

The image is drawn elsewhere: PDFium draws it in a sandboxed child process
(`app.core.documents.page_render`), since a PDF is untrusted input, and the
viewer hands it over with `set_image`. This view never opens the file. Until
the page's image arrives the view says "Loading page…" on a page-shaped sheet,
never a blank page; when the view is resized or zoomed, the last image is
scaled, and `width_changed` asks for a sharper one once the size has settled.
Zoom is relative to the view's width (1 fits the page to it); a page zoomed far
on a large screen is drawn at most at the pixel cap of `page_render`, and
scaled up from there.

The passage's rectangles are given in PDF points from the top-left corner of
the displayed page (`app.core.documents.highlight.Rect`), and are drawn as a
highlighter pen would: yellow multiplied into the page, so the words stay black.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, QSizeF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QResizeEvent,
)
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

from app.core.documents.highlight import Rect

MARGIN = 8  # pixels around the page
RESIZE_DELAY_MS = 120  # a new render once the view has stopped changing size
ZOOMS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0)  # the steps of zoom in and out
A4_POINTS = QSizeF(595.0, 842.0)  # the sheet's shape before any page has been drawn
HIGHLIGHT = QColor(255, 226, 80)  # multiplied into the page: white turns yellow, ink stays
HIGHLIGHT_PAD_PT = 1.0


class PageCanvas(QWidget):
    """The page's image (or its placeholder) and the lit passage, at the canvas's size."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image: QImage | None = None
        self.placeholder = ""
        self.page_points = QSizeF(A4_POINTS)
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
    """Shows one page at a time, as wide as the view, from images drawn elsewhere.

    Signals:
        page_rendered(int): the page (0-based) is on screen, drawn from its image
            (or, if it could not be drawn, with a message saying so).
        width_changed(): the page has settled at another width on screen (the view
            resized, or zoomed): a sharper image of it may be wanted (`wanted_width`).
    """

    page_rendered = Signal(int)
    width_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setBackgroundRole(QPalette.ColorRole.Mid)
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.setWidgetResizable(False)
        self.canvas = PageCanvas()
        self.setWidget(self.canvas)
        self._zoom = 1.0
        self._page = -1
        self._rendered = False
        self._resize_timer = QTimer(self)
        self._resize_timer.setSingleShot(True)
        self._resize_timer.setInterval(RESIZE_DELAY_MS)
        self._resize_timer.timeout.connect(self.width_changed)

    @property
    def page(self) -> int:
        """The page shown (0-based), -1 before any."""
        return self._page

    @property
    def rendered(self) -> bool:
        """Whether the page shown is drawn from its image (or says why it cannot be)."""
        return self._rendered

    @property
    def highlights(self) -> list[Rect]:
        return list(self.canvas.rects)

    @property
    def zoom(self) -> float:
        """The page's width on screen, relative to the view's (1: fitted to it)."""
        return self._zoom

    def set_zoom(self, zoom: float) -> None:
        """Show the page `zoom` times the view's width (within `ZOOMS`); the image shown is
        scaled at once, and `width_changed` asks for a sharp one once zooming stops."""
        zoom = min(max(zoom, ZOOMS[0]), ZOOMS[-1])
        if zoom == self._zoom:
            return
        self._zoom = zoom
        if self._page >= 0:
            self._fit_canvas()
            self._resize_timer.start()

    def fit_width(self) -> None:
        self.set_zoom(1.0)

    def zoom_in(self) -> None:
        self.set_zoom(next((zoom for zoom in ZOOMS if zoom > self._zoom), ZOOMS[-1]))

    def zoom_out(self) -> None:
        self.set_zoom(next((zoom for zoom in reversed(ZOOMS) if zoom < self._zoom), ZOOMS[0]))

    def wanted_width(self) -> int:
        """The width, in device pixels, at which an image of the page would be sharp.

        Hidden (behind a message, in a stack), the view has not been laid out: it will
        be as wide as its parent, less a scroll bar (a page fitted to the width is
        taller than the view).
        """
        parent = self.parentWidget()
        if self.isVisible() or parent is None:
            viewport = self.viewport().width()
        else:
            viewport = parent.width() - self.verticalScrollBar().sizeHint().width()
        width = max(1, viewport - 2 * MARGIN) * self._zoom
        return max(1, round(width * self.devicePixelRatioF()))

    def show_page(self, page: int, placeholder: str, rects: Sequence[Rect] = ()) -> None:
        """Show `page` ("placeholder" until its image is given), with `rects` lit on it.

        The sheet keeps the shape of the page shown before until the image comes.
        """
        self._page = page
        self._rendered = False
        self.canvas.image = None
        self.canvas.placeholder = placeholder
        self.canvas.rects = list(rects)
        self._fit_canvas()
        self.verticalScrollBar().setValue(0)
        self.canvas.update()

    def set_image(
        self, page: int, image: QImage, points: QSizeF, rects: Sequence[Rect] = ()
    ) -> None:
        """The image of `page` (of `points` in PDF points), with `rects` lit on it.

        Ignored unless `page` is the page shown.
        """
        if page != self._page:
            return
        self.canvas.image = image
        self.canvas.page_points = QSizeF(points)
        self.canvas.rects = list(rects)
        self._fit_canvas()
        self.canvas.update()
        self._now_rendered()

    def show_failure(self, page: int, message: str) -> None:
        """`page` could not be drawn: the sheet says why. (Not drawn again at another size,
        the image it has stays, scaled.)"""
        if page != self._page or self.canvas.image is not None:
            return
        self.canvas.image = None
        self.canvas.placeholder = message
        self.canvas.update()
        self._now_rendered()

    def clear(self) -> None:
        self._page = -1
        self._rendered = False
        self._resize_timer.stop()
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
            self.horizontalScrollBar().setValue(int(lit[0].left() - 2 * MARGIN))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._page >= 0:
            self._fit_canvas()  # the old image, scaled, until a sharper one is given
            if event.size().width() != event.oldSize().width():
                self._resize_timer.start()

    def _now_rendered(self) -> None:
        first = not self._rendered
        self._rendered = True
        if first:
            self.scroll_to_highlight()
            self.page_rendered.emit(self._page)

    def _page_size(self) -> QSize:
        """The page's size in logical pixels at the view's width, zoomed."""
        points = self.canvas.page_points
        if points.width() <= 0 or points.height() <= 0:
            return QSize(0, 0)
        width = max(1, round((self.viewport().width() - 2 * MARGIN) * self._zoom))
        return QSize(width, max(1, round(width * points.height() / points.width())))

    def _fit_canvas(self) -> None:
        size = self._page_size()
        if size.isEmpty():  # room for the message that says so
            size = QSize(max(1, self.viewport().width() - 2 * MARGIN), 6 * MARGIN)
        self.canvas.setFixedSize(size.width() + 2 * MARGIN, size.height() + 2 * MARGIN)
