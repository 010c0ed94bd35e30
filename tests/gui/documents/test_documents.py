"""Documents in the window, on the real core (sandboxed readers, MiniLM, Chroma) and
the real starter model: the Documents pane and its progress, dropping files,
answers from a library with citation chips, and the source viewer.

Every `Documents` read (libraries, files, search, read_document) is
recorded with the thread that made it: none may run on the GUI thread.
"""

from __future__ import annotations

import dataclasses
import gc
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, Qt, QUrl
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QMessageBox

from app.core.cancel import CancelToken
from app.core.documents import page_render
from app.core.documents.api import Documents
from app.core.documents.limits import ExtractionLimits
from app.core.documents.page_render import RenderedPage
from app.core.documents.records import (
    FileOutcome,
    FileStatus,
    IndexedFile,
    IngestProgress,
    Source,
    file_name,
)
from app.core.services import Services
from app.gui.documents import opening, source_viewer
from app.gui.documents.document_model import DocumentListModel, ReasonRole, StatusRole
from app.gui.documents.panel import IngestProgressBox
from app.gui.documents.source_viewer import SourceViewer, editor_position, is_pdf
from app.gui.main_window import MainWindow
from app.gui.markdown import link_citations
from tests.gui_windows import drag_enter, send_drop
from tests.pdfs import make_pdf

LOAD_TIMEOUT_MS = 30_000
INGEST_TIMEOUT_MS = 60_000
ANSWER_TIMEOUT_MS = 30_000
VIEWER_TIMEOUT_MS = 20_000
# Started once per process by a library the embedder uses (tqdm), not by a test.
PROCESS_THREADS = {"tqdm_monitor"}

# The source viewer is raised when opened; Qt's offscreen platform cannot raise windows.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise")

PDF_PAGES = (
    "Harbour maintenance log. The cranes on pier one were greased in March and the "
    "mooring lines were replaced after the spring inspection. The harbour master signed "
    "the inspection report on the last day of the month.",
    "Birds of the breakwater. The lighthouse keeper counted seventeen gulls on the northern "
    "breakwater every morning before breakfast, and wrote the number in a green notebook. "
    "On foggy days the count was made from the lamp room with binoculars.",
    "Winter storms. The harbour was closed for nine days in January while waves broke over "
    "the outer wall. Fishing boats stayed in the inner basin until the wind dropped.",
)
NOTES_TEXT = (
    "Ferry timetable notes.\n\nThe first ferry to Isla Verde leaves at 06:40 from the "
    "eastern quay. Tickets are sold at the kiosk beside the fish market; cash only.\n\n"
    "In August an extra evening ferry runs at 21:15.\n"
)
GUIDE_TEXT = (
    "# Pier safety guide\n\nVisitors must wear a yellow vest beyond the red line painted "
    "on pier two. Children stay with an adult at all times.\n"
)


@dataclass
class Opened:
    window: MainWindow
    services: Services
    calls: list[tuple[str, bool]] = field(default_factory=list)  # (method, on GUI thread)

    def calls_on_gui_thread(self) -> list[str]:
        return [name for name, on_gui in self.calls if on_gui]


OpenWindow = Callable[..., Opened]


def record_threads(documents: Documents, calls: list[tuple[str, bool]]) -> None:
    """Wrap the service's reading methods to note whether each call ran on the GUI thread."""
    for name in ("libraries", "files", "search", "read_document"):
        original = getattr(documents, name)

        def recorded(*args: Any, _name: str = name, _call: Any = original, **kwargs: Any) -> Any:
            calls.append((_name, threading.current_thread() is threading.main_thread()))
            return _call(*args, **kwargs)

        setattr(documents, name, recorded)


@pytest.fixture
def open_window(qtbot: Any, starter_model: Path) -> Iterator[OpenWindow]:
    """Open main windows on real Services; close everything and join every thread after."""
    opened: list[Opened] = []
    threads_before = set(threading.enumerate())

    def open_(**overrides: Any) -> Opened:
        overrides.setdefault("max_tokens", 24)
        services = Services(model_path=str(starter_model), documents_process=True, **overrides)
        calls: list[tuple[str, bool]] = []
        record_threads(services.documents, calls)
        result = Opened(MainWindow(services), services, calls)
        opened.append(result)
        result.window.show()
        qtbot.waitExposed(result.window)
        result.window.load_model()
        return result

    yield open_
    for item in opened:
        window = item.window
        for box in window.findChildren(QMessageBox):
            box.close()
        window.close()
        window.shutdown()
        item.services.close()
        window.deleteLater()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        gc.collect()
    leaked = [
        t
        for t in threading.enumerate()
        if t not in threads_before and t.is_alive() and t.name not in PROCESS_THREADS
    ]
    assert not leaked, f"threads outlived the test: {leaked}"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A few small documents, one broken PDF and a picture."""
    folder = tmp_path / "harbour docs"
    folder.mkdir()
    make_pdf(folder / "harbour.pdf", PDF_PAGES)
    (folder / "ferry notes.txt").write_text(NOTES_TEXT, encoding="utf-8")
    (folder / "guide.md").write_text(GUIDE_TEXT, encoding="utf-8")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage")
    QImage(8, 8, QImage.Format.Format_RGB32).save(str(folder / "photo.png"))
    return folder


def rows(window: MainWindow) -> dict[str, IndexedFile]:
    model = window.documents_panel.model
    return {file_name(f.path): f for f in model.files()}


def visible_dialogs(window: MainWindow) -> list[QMessageBox]:
    return [box for box in window.findChildren(QMessageBox) if box.isVisible()]


def add_and_wait(qtbot: Any, window: MainWindow, paths: list[str]) -> None:
    """Add through the pane's add path (what the file dialogs emit), wait for the job."""
    with qtbot.waitSignal(window.library.job_ended, timeout=INGEST_TIMEOUT_MS):
        window.documents_panel.on_paths_picked(paths)


def selection(viewer: SourceViewer) -> str:
    return viewer.text_view.textCursor().selectedText().replace("\u2029", "\n")


def check_viewer_shows(qtbot: Any, viewer: SourceViewer, source: Source) -> None:
    """The viewer is at the source's page (PDF) or has its passage selected (text)."""
    qtbot.waitUntil(
        lambda: viewer.source == source and viewer.highlighted, timeout=VIEWER_TIMEOUT_MS
    )
    assert viewer.isVisible()
    if is_pdf(source):
        assert source.page is not None
        assert viewer.stack.currentWidget() is viewer.page_view
        assert viewer.page_view.page == source.page - 1
        assert viewer.page_view.rendered
        assert viewer.page_view.highlights  # the passage's lines, lit
    else:
        assert viewer.stack.currentWidget() is viewer.text_view
        assert selection(viewer) == source.text


# --- the pane, drops, remove and re-index -------------------------------------------------


def test_adding_a_folder_shows_progress_then_every_file_with_its_status(
    qtbot: Any, open_window: OpenWindow, folder: Path, tmp_path: Path
) -> None:
    opened = open_window()
    window = opened.window
    panel = window.documents_panel
    seen: list[tuple[str, int, int, int, str]] = []

    def sample(summary: str) -> None:
        if summary:
            box = panel.progress
            seen.append(
                (
                    box.file_label.text(),
                    box.file_bar.value(),
                    box.overall_bar.value(),
                    box.overall_bar.maximum(),
                    window.status.indexing_label.text(),
                )
            )

    window.library.indexing_progressed.connect(sample)
    assert panel.empty_label.isVisible()
    assert window.composer.library() is None  # plain chat until documents are added

    add_and_wait(qtbot, window, [str(folder)])

    stages = {label.split(" — ")[-1] for label, *_ in seen if " — " in label}
    assert {"reading", "done"} <= stages
    assert any(label.startswith("harbour.pdf — ") for label, *_ in seen)
    assert {maximum for *_, maximum, _status in seen if maximum > 0} == {4}  # the png is no doc
    assert any(done == 4 for _l, _f, done, _m, _s in seen)
    assert any("of 4 files" in status for *_, status in seen)
    assert not panel.progress.isVisible()
    assert not window.status.indexing_label.isVisible()

    qtbot.waitUntil(lambda: len(rows(window)) == 5, timeout=5000)
    listed = rows(window)
    assert listed["harbour.pdf"].status == "indexed"
    assert listed["harbour.pdf"].pages == 3
    assert listed["ferry notes.txt"].status == "indexed"
    assert listed["guide.md"].status == "indexed"
    assert listed["broken.pdf"].status == "failed"
    assert listed["broken.pdf"].reason
    assert listed["photo.png"].status == "skipped"
    model = panel.model
    broken = model.index(model.row_of(listed["broken.pdf"].path) or 0, 0)
    assert listed["broken.pdf"].reason in str(broken.data(Qt.ItemDataRole.ToolTipRole))
    assert "3 pages" in str(model.index(model.row_of(listed["harbour.pdf"].path) or 0, 0).data())
    assert "1 failed" in window.status.currentMessage()
    assert "1 failed" in panel.summary_label.text()
    assert not visible_dialogs(window)  # reasons are listed, not shouted
    assert window.composer.library() == "default"  # the next question is about them

    # Drop anywhere: a document, a model file and a web link.
    later = tmp_path / "later.md"
    later.write_text("# Later\n\nThe tide tables for May are pinned in the office.\n")
    model_file = tmp_path / "tiny.gguf"
    model_file.write_bytes(b"GGUF")
    urls = [
        QUrl.fromLocalFile(str(later)),
        QUrl.fromLocalFile(str(model_file)),
        QUrl("https://example.com/report.pdf"),
    ]
    assert drag_enter(window, urls)
    assert not drag_enter(window, [QUrl("https://example.com/report.pdf")])
    with qtbot.waitSignal(window.library.job_ended, timeout=INGEST_TIMEOUT_MS):
        dropped = send_drop(window.composer.editor.viewport(), urls)  # even on the text box
    assert dropped
    assert window.composer.text() == ""  # no URL pasted
    assert "tiny.gguf is a model file" in window.chat_view.plain_text()
    qtbot.waitUntil(lambda: "later.md" in rows(window), timeout=5000)
    assert rows(window)["later.md"].status == "indexed"
    assert "tiny.gguf" not in rows(window)
    assert "report.pdf" not in rows(window)

    # Remove the selected file.
    row = model.row_of(rows(window)["later.md"].path)
    assert row is not None
    panel.list.setCurrentIndex(model.index(row, 0))
    assert panel.remove_button.isEnabled()
    with qtbot.waitSignal(window.library.job_ended, timeout=INGEST_TIMEOUT_MS):
        qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "later.md" not in rows(window), timeout=5000)
    assert "1 removed" in window.status.currentMessage()

    # Re-index reads every file again.
    seen.clear()
    with qtbot.waitSignal(window.library.job_ended, timeout=INGEST_TIMEOUT_MS):
        qtbot.mouseClick(panel.reindex_button, Qt.MouseButton.LeftButton)
    assert any(maximum == 4 for *_, maximum, _status in seen)
    assert "3 indexed" in window.status.currentMessage()
    qtbot.waitUntil(lambda: rows(window)["harbour.pdf"].status == "indexed", timeout=5000)

    # Cancel stops a job between files (or inside one); what was done stays done.
    cancelled: list[str] = []

    def cancel_once(summary: str) -> None:
        if summary.startswith("Indexing") and not cancelled:
            cancelled.append(summary)
            qtbot.mouseClick(panel.progress.cancel_button, Qt.MouseButton.LeftButton)

    window.library.indexing_progressed.connect(cancel_once)
    with qtbot.waitSignal(window.library.job_ended, timeout=INGEST_TIMEOUT_MS):
        window.library.reindex()
    assert cancelled
    assert "cancelled" in window.status.currentMessage()
    assert not panel.progress.isVisible()
    qtbot.waitUntil(lambda: rows(window)["harbour.pdf"].status == "indexed", timeout=5000)
    assert not visible_dialogs(window)

    # Another library starts empty; answers would come from it.
    window.library.create_library("Work")
    assert panel.library_combo.currentText() == "Work"
    assert "Work" in window.composer.documents_toggle.text()
    qtbot.waitUntil(lambda: panel.empty_label.isVisible(), timeout=5000)

    # Deleting a library asks first; once confirmed it is gone and "default" is shown.
    notes = folder / "ferry notes.txt"
    add_and_wait(qtbot, window, [str(notes)])
    box = panel.confirm_delete()
    assert "“Work”" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()  # changing one's mind deletes nothing
    assert panel.library_combo.findData("Work") >= 0
    box = panel.confirm_delete()
    delete = next(b for b in box.buttons() if b.text() == "Delete library")
    with qtbot.waitSignal(window.library.job_ended, timeout=INGEST_TIMEOUT_MS):
        delete.click()
    assert panel.library_combo.findData("Work") < 0
    assert panel.library_combo.currentText() == "default"
    assert "deleted" in window.status.currentMessage()
    assert "Work" not in background(opened.services.documents.libraries)
    qtbot.waitUntil(lambda: "harbour.pdf" in rows(window), timeout=5000)

    names = {name for name, _ in opened.calls}
    assert {"libraries", "files"} <= names
    assert opened.calls_on_gui_thread() == []


# --- files opened with Confidente ----------------------------------------------------------


def selected_names(window: MainWindow) -> set[str]:
    return {file_name(path) for path in window.documents_panel.selected_paths()}


def test_files_opened_with_confidente_are_added_through_the_pane_and_selected(
    qtbot: Any, open_window: OpenWindow, folder: Path, tmp_path: Path, monkeypatch: Any
) -> None:
    sorted_on: list[bool] = []  # whether each look at the disk ran on the GUI thread
    sort = opening.sort_opened

    def recorded_sort(*args: Any) -> Any:
        sorted_on.append(threading.current_thread() is threading.main_thread())
        return sort(*args)

    monkeypatch.setattr(opening, "sort_opened", recorded_sort)
    opened = open_window()
    window = opened.window
    panel = window.documents_panel
    window.documents_dock.hide()  # closed by the user: opening a file shows it again
    progress: list[str] = []
    window.library.indexing_progressed.connect(progress.append)
    notes = folder / "ferry notes.txt"
    missing = tmp_path / "gone.pdf"
    photo = folder / "photo.png"

    with qtbot.waitSignal(window.library.job_ended, timeout=INGEST_TIMEOUT_MS):
        window.open_files([str(notes), str(missing), str(folder), str(photo)])

    assert window.documents_dock.isVisible()
    assert progress[0] == "Adding 3 items to “default”…"  # the pane's own add job
    assert any(line.startswith("Indexing “default”: ") for line in progress)
    qtbot.waitUntil(lambda: len(selected_names(window)) == 4, timeout=5000)
    listed = rows(window)
    assert listed["ferry notes.txt"].status == "indexed"
    assert listed["gone.pdf"].status == "failed"
    assert listed["gone.pdf"].reason == "No such file or folder."
    assert listed["photo.png"].status == "skipped"
    assert listed["harbour docs"].status == "skipped"  # a folder is not opened as a file
    assert "Add folder…" in listed["harbour docs"].reason
    assert "harbour.pdf" not in listed  # nor read
    assert selected_names(window) == {"ferry notes.txt", "gone.pdf", "photo.png", "harbour docs"}
    message = window.status.currentMessage()
    assert "1 indexed, 1 failed, 2 skipped." in message
    assert "says why" in message
    assert not visible_dialogs(window)  # reasons are listed, as for Add files…

    # Opened again, unchanged: only shown, with no job.
    panel.list.clearSelection()
    progress.clear()
    with qtbot.waitSignal(window.library.job_ended, timeout=5000):
        window.open_files([str(notes)])
    assert selected_names(window) == {"ferry notes.txt"}
    assert "1 unchanged." in window.status.currentMessage()
    assert progress == []
    assert not window.library.busy

    # Changed since: read again.
    with notes.open("a", encoding="utf-8") as file:
        file.write("\nThe kiosk also sells maps of the island.\n")
    with qtbot.waitSignal(window.library.job_ended, timeout=INGEST_TIMEOUT_MS):
        window.open_files([str(notes)])
    assert "1 indexed." in window.status.currentMessage()
    qtbot.waitUntil(lambda: selected_names(window) == {"ferry notes.txt"}, timeout=5000)
    assert progress

    assert sorted_on
    assert not any(sorted_on), "opened files were looked at on the GUI thread"
    assert opened.calls_on_gui_thread() == []


def test_a_missing_file_opened_with_confidente_says_so_in_the_pane(
    qtbot: Any, open_window: OpenWindow, tmp_path: Path
) -> None:
    window = open_window().window
    missing = tmp_path / "nowhere" / "report.pdf"
    with qtbot.waitSignal(window.library.job_ended, timeout=INGEST_TIMEOUT_MS):
        window.open_files([str(missing)])
    qtbot.waitUntil(lambda: selected_names(window) == {"report.pdf"}, timeout=5000)
    assert rows(window)["report.pdf"].status == "failed"
    assert "No such file or folder." in str(
        window.documents_panel.list.currentIndex().data(Qt.ItemDataRole.ToolTipRole)
    )
    assert "1 failed." in window.status.currentMessage()
    assert not visible_dialogs(window)
    assert window.isVisible()


# --- answers from documents, chips and the viewer -----------------------------------------


def background(call: Callable[[], Any]) -> Any:
    """Run `call` on another thread (as the window would), and return its result."""
    box: list[Any] = []
    thread = threading.Thread(target=lambda: box.append(call()))
    thread.start()
    thread.join()
    return box[0]


def test_an_answer_from_documents_cites_its_sources_and_opens_them(
    qtbot: Any, open_window: OpenWindow, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf_reads: list[bool] = []  # whether each page drawn of a PDF was asked on the GUI thread
    render = page_render.render_page_isolated

    def recorded_render(*args: Any, **kwargs: Any) -> RenderedPage:
        pdf_reads.append(threading.current_thread() is threading.main_thread())
        return render(*args, **kwargs)

    monkeypatch.setattr(source_viewer, "render_page_isolated", recorded_render)
    opened = open_window(temperature=0.0)
    window = opened.window
    add_and_wait(qtbot, window, [str(folder)])
    assert window.composer.library() == "default"
    qtbot.waitUntil(lambda: window.model_state == "ready", timeout=LOAD_TIMEOUT_MS)

    qtbot.keyClicks(window.composer.editor, "How many gulls did the lighthouse keeper count?")
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)
    answer = window.chat_view.messages()[-1]
    qtbot.waitUntil(lambda: not window.busy, timeout=ANSWER_TIMEOUT_MS)
    assert answer.text
    assert answer.sources, "a document answer lists its sources"
    assert answer.sources_view.isVisible()
    assert len(answer.sources_view.rows) == len(answer.sources)
    first = answer.sources[0]
    assert first.n == 1
    assert file_name(first.path) in answer.sources_view.rows[0].text()

    answer.body.anchorClicked.emit(QUrl("cite:1"))  # what clicking the chip does
    viewer = window.source_viewer
    assert viewer is not None
    check_viewer_shows(qtbot, viewer, first)

    # The stored answer, reopened, shows the same chips and sources; both kinds open.
    documents = opened.services.documents
    pdf_source = next(
        s
        for s in background(lambda: documents.search("lighthouse keeper gulls breakwater"))
        if s.page == 2
    )
    text_source = next(
        s
        for s in background(lambda: documents.search("first ferry Isla Verde timetable"))
        if s.path.endswith("ferry notes.txt")
    )
    cited = (dataclasses.replace(pdf_source, n=1), dataclasses.replace(text_source, n=2))
    store = opened.services.store
    stored = store.create_conversation("Harbour")
    store.add_message(stored.id, "user", "Gulls and ferries?")
    store.add_message(
        stored.id, "assistant", "Seventeen gulls [1]; the ferry leaves at 06:40 [2].", sources=cited
    )
    window.refresh_conversations()
    qtbot.waitUntil(lambda: window.conversations.row_of(stored.id) is not None, timeout=5000)
    row = window.conversations.row_of(stored.id)
    assert row is not None
    window.conversation_list.clicked.emit(window.conversations.index(row))
    qtbot.waitUntil(lambda: len(window.chat_view.messages()) == 2, timeout=5000)
    reopened = window.chat_view.messages()[1]
    assert reopened.sources == cited
    html = reopened.body.document().toHtml()
    assert 'href="cite:1"' in html
    assert 'href="cite:2"' in html
    assert reopened.body.toPlainText() == "Seventeen gulls [1]; the ferry leaves at 06:40 [2]."
    assert len(reopened.sources_view.rows) == 2
    assert "harbour.pdf, page 2" in reopened.sources_view.rows[0].text()

    reopened.body.anchorClicked.emit(QUrl("cite:1"))
    check_viewer_shows(qtbot, viewer, cited[0])
    reopened.sources_view.rows[1].linkActivated.emit("cite:2")  # the source row's link
    check_viewer_shows(qtbot, viewer, cited[1])

    # A cited file that has gone says so in the viewer.
    for gone in (folder / "gone.pdf", folder / "gone.txt"):
        kind = "pdf" if gone.suffix == ".pdf" else "text"
        source = Source(3, str(gone), 1 if kind == "pdf" else None, "text", 1.0, 0, 4, kind)
        with qtbot.waitSignal(viewer.passage_shown, timeout=VIEWER_TIMEOUT_MS):
            window.open_source(source)
        assert viewer.stack.currentWidget() is viewer.message
        assert str(gone) in viewer.message.text() or "gone" in viewer.message.text().lower()
        assert not viewer.highlighted
    assert not visible_dialogs(window)

    names = {name for name, _ in opened.calls}
    assert {"files", "search", "read_document"} <= names
    assert opened.calls_on_gui_thread() == []
    assert pdf_reads
    assert not any(pdf_reads), "a PDF was read on the GUI thread"


def test_a_pdf_too_large_to_show_is_refused_with_a_reason(tmp_path: Path) -> None:
    big = tmp_path / "big.pdf"
    make_pdf(big, PDF_PAGES)
    size = big.stat().st_size

    def shown(path: Path, limit: int) -> object:
        return source_viewer.render_pdf_page(
            str(path), 0, 200, "", None, ExtractionLimits(max_file_bytes=limit), CancelToken()
        )

    assert isinstance(shown(big, size), source_viewer.PageImage)
    refused = shown(big, size - 1)
    assert isinstance(refused, str)
    assert "too large" in refused
    assert str(big) in refused
    assert "no longer there" in str(shown(tmp_path / "gone.pdf", size))


# --- parts without a model ------------------------------------------------------------------


def test_document_list_model_passes_the_model_tester(qtbot: Any, qtmodeltester: Any) -> None:
    model = DocumentListModel()
    files = [
        IndexedFile("/d/a.pdf", "indexed", "", 3, 9, 100, 1.0),
        IndexedFile("/d/b.pdf", "failed", "Damaged PDF.", 0, 0, 10, 1.0),
    ]
    model.set_files(files)
    qtmodeltester.check(model)
    model.apply_outcome(FileOutcome("/d/c.png", FileStatus.SKIPPED, "Images are not read."))
    model.apply_outcome(FileOutcome("/d/b.pdf", FileStatus.INDEXED, "", 2, 4))
    model.apply_outcome(FileOutcome("/d/a.pdf", FileStatus.REMOVED))
    model.apply_outcome(FileOutcome("/d/missing", FileStatus.REMOVED))
    assert [f.path for f in model.files()] == ["/d/b.pdf", "/d/c.png"]
    assert model.index(0, 0).data(StatusRole) == "indexed"
    assert "2 pages · 4 passages" in str(model.index(0, 0).data())
    assert model.index(1, 0).data(ReasonRole) == "Images are not read."
    assert "Skipped: Images are not read." in str(model.index(1, 0).data())


def test_citation_markers_become_links_outside_code() -> None:
    text = "Red [1], green [2, 9] and `[1]`, [x](https://e.org) [3]\n```\n[1]\n```"
    linked = link_citations(text, {1, 2})
    assert linked.startswith("Red [\\[1\\]](cite:1), green [\\[2\\]](cite:2) \\[9\\] and `[1]`")
    assert "[x](https://e.org) [3]" in linked
    assert linked.endswith("```\n[1]\n```")
    assert link_citations(text, set()) == text


def test_text_offsets_become_editor_positions() -> None:
    assert editor_position("a\r\nb😀c", 4) == 3  # "\r\n" is one line break in the editor
    assert editor_position("a\r\nb😀c", 6) == 6  # and the emoji two UTF-16 units


def test_the_file_bar_moves_while_a_long_file_is_embedded(qtbot: Any) -> None:
    box = IngestProgressBox()
    qtbot.addWidget(box)

    def shown(stage: str, done: int = 0, total: int = 0) -> int:
        box.show_progress(IngestProgress("/d/long.txt", 0, 1, 0, 0.0, stage, None, done, total))
        return box.file_bar.value()

    reading, start, halfway, writing = (
        shown("reading"),
        shown("embedding", 0, 200),
        shown("embedding", 100, 200),
        shown("writing", 200, 200),
    )
    assert reading < start < halfway < writing
