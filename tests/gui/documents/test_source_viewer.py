"""The source viewer shows a PDF from pages drawn in a sandboxed child: the app's own
process never opens the file (no QtPdf), a page comes back as an image with the passage
lit on it, and a hostile file is a message in the viewer while the window goes on."""

from __future__ import annotations

import itertools
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMessageBox

from app.core.documents.limits import ExtractionLimits
from app.core.documents.page_render import MAX_PIXELS
from app.core.documents.records import Source
from app.gui.documents.source_viewer import SourceViewer
from app.gui.tasks import TaskManager
from tests.core.documents.test_sandbox import flate_bomb_pdf
from tests.gui.chat.test_quotes import lit_share
from tests.gui.documents.test_documents import PDF_PAGES
from tests.pdfs import make_pdf

VIEWER_TIMEOUT_MS = 30_000
MiB = 1024 * 1024
GULLS = "The lighthouse keeper counted seventeen gulls on the northern breakwater"


@pytest.fixture
def harbour_pdf(tmp_path: Path) -> Path:
    path = tmp_path / "harbour.pdf"
    make_pdf(path, PDF_PAGES)
    return path


def cite(path: Path, page: int = 2, text: str = PDF_PAGES[1]) -> Source:
    return Source(1, str(path), page, text, 0.9, 0, len(text), "pdf")


def viewer_for(qtbot: Any, tasks: TaskManager, **limits: Any) -> SourceViewer:
    viewer = SourceViewer(None, tasks, limits=ExtractionLimits(**limits))  # type: ignore[arg-type]  # a PDF needs no Documents
    qtbot.addWidget(viewer)
    viewer.show()
    qtbot.waitExposed(viewer)
    return viewer


def image_width(viewer: SourceViewer) -> int:
    image = viewer.page_view.canvas.image
    return image.width() if image is not None else 0


def qtpdf_objects(viewer: SourceViewer) -> list[str]:
    return [
        name
        for child in viewer.findChildren(QObject)
        if (name := child.metaObject().className()).startswith("QPdf")
    ]


def test_a_cited_pdf_page_is_shown_as_an_image_with_its_passage_lit(
    qtbot: Any, tasks: TaskManager, harbour_pdf: Path
) -> None:
    viewer = viewer_for(qtbot, tasks)
    with qtbot.waitSignal(viewer.passage_shown, timeout=VIEWER_TIMEOUT_MS):
        viewer.show_source(cite(harbour_pdf))
    view = viewer.page_view
    assert viewer.stack.currentWidget() is view
    assert viewer.highlighted
    assert viewer.note.isHidden()
    assert view.page == 1
    assert view.rendered
    image = view.canvas.image
    assert image is not None
    assert image.width() == view.wanted_width()  # sharp at the view's width
    assert abs(image.height() / image.width() - 297 / 210) < 0.01  # an A4 page
    assert len(view.highlights) >= 2  # the passage's lines, in points
    assert lit_share(viewer) > 0.4
    assert viewer.page_label.text() == "Page 2 of 3"
    assert qtpdf_objects(viewer) == []

    viewer.resize(viewer.width() + 300, viewer.height())  # wider: drawn again, sharp again
    qtbot.waitUntil(
        lambda: image_width(viewer) == view.wanted_width() != image.width(),
        timeout=VIEWER_TIMEOUT_MS,
    )
    assert view.highlights
    assert lit_share(viewer) > 0.4

    viewer.zoom_in_button.click()  # zoomed: scaled at once, then drawn again, sharp
    assert view.zoom == 1.25
    assert viewer.fit_button.text() == "125 %"
    fitted = image_width(viewer)
    qtbot.waitUntil(
        lambda: image_width(viewer) == view.wanted_width() == round(fitted * 1.25),
        timeout=VIEWER_TIMEOUT_MS,
    )
    assert view.canvas.width() > view.viewport().width()  # wider than the view: it scrolls
    assert view.horizontalScrollBar().maximum() > 0
    assert lit_share(viewer) > 0.4
    for _ in range(10):
        viewer.zoom_in_button.click()
    assert view.zoom == 4.0  # the last step: four times 1000-odd pixels, beyond the cap
    qtbot.waitUntil(
        lambda: image_width(viewer) > 2 * fitted,
        timeout=VIEWER_TIMEOUT_MS,
    )
    zoomed = view.canvas.image
    assert zoomed is not None
    assert zoomed.width() * zoomed.height() <= MAX_PIXELS < view.wanted_width() ** 2 * 1.41
    assert zoomed.width() * zoomed.height() > 0.99 * MAX_PIXELS  # drawn at the cap, scaled up
    viewer.fit_button.click()
    assert (view.zoom, viewer.fit_button.text()) == (1.0, "100 %")
    qtbot.waitUntil(
        lambda: image_width(viewer) == fitted,
        timeout=VIEWER_TIMEOUT_MS,
    )

    viewer.next_button.click()  # another page: drawn, nothing lit there
    qtbot.waitUntil(lambda: view.page == 2 and view.rendered, timeout=VIEWER_TIMEOUT_MS)
    assert view.canvas.image is not None
    assert view.highlights == []
    assert viewer.page_label.text() == "Page 3 of 3"
    assert not viewer.next_button.isEnabled()


def test_hostile_pdfs_are_a_message_in_the_viewer_and_the_window_goes_on(
    qtbot: Any, tasks: TaskManager, harbour_pdf: Path, tmp_path: Path
) -> None:
    bomb = flate_bomb_pdf(tmp_path / "bomb.pdf", 70_000_000)
    slow = flate_bomb_pdf(tmp_path / "slow.pdf", 300_000_000)  # a second of drawing
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    cases = [
        (junk, {}, "cannot be opened as a PDF"),
        (slow, {"seconds": 0.2}, "took longer than 0.2 s"),
    ]
    if sys.platform == "linux":  # RLIMIT_AS is enforced on Linux only
        cases.append((bomb, {"memory_bytes": 128 * MiB}, "more than the 128 MB of memory"))

    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    for path, limits, said in cases:
        viewer = viewer_for(qtbot, tasks, **limits)
        ticks.clear()
        started = time.monotonic()
        with qtbot.waitSignal(viewer.passage_shown, timeout=VIEWER_TIMEOUT_MS):
            viewer.show_source(cite(path, page=1, text="anything"))
        ended = time.monotonic()
        assert viewer.stack.currentWidget() is viewer.message, path.name
        assert said in viewer.message.text()
        assert str(path) in viewer.message.text()
        assert not viewer.highlighted
        assert viewer.isVisible()
        assert not [box for box in viewer.findChildren(QMessageBox) if box.isVisible()]
        # The window went on while the child failed: the timer ran all along, never
        # waiting long (however quickly the file failed).
        assert ticks, f"the GUI thread never ran its timer while {path.name} failed"
        gaps = [later - earlier for earlier, later in itertools.pairwise([started, *ticks, ended])]
        assert max(gaps) < 1.0, f"the GUI thread stalled {max(gaps):.2f} s on {path.name}"

        # The same viewer shows an honest PDF next.
        with qtbot.waitSignal(viewer.passage_shown, timeout=VIEWER_TIMEOUT_MS):
            viewer.show_source(cite(harbour_pdf))
        assert viewer.highlighted
        assert viewer.stack.currentWidget() is viewer.page_view
        viewer.close()
    timer.stop()


def test_a_citation_of_a_page_the_pdf_no_longer_has_says_so(
    qtbot: Any, tasks: TaskManager, harbour_pdf: Path
) -> None:
    viewer = viewer_for(qtbot, tasks)
    with qtbot.waitSignal(viewer.passage_shown, timeout=VIEWER_TIMEOUT_MS):
        viewer.show_source(cite(harbour_pdf, page=7))
    assert viewer.stack.currentWidget() is viewer.message
    assert "now has 3 pages, so page 7 is gone" in viewer.message.text()


def test_the_app_never_loads_qtpdf() -> None:
    """Not the viewer, nor anything the window imports: QtPdf would parse the file here."""
    probe = (
        "import sys\n"
        "import app.gui.main_window, app.gui.documents.source_viewer, app.gui.documents.pdf_page\n"
        "print(sorted(name for name in sys.modules if name.startswith('PySide6.QtPdf')))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        cwd=Path(__file__).resolve().parents[3],
    )
    assert loaded.stdout.strip() == "[]"
