"""Quotes of a document answer in the chat, and the source viewer lighting them.

The quotes (sentences of the sources that answer the question, chosen without
the model) are on screen before the model has written a word, stay there, are
kept with the stored answer, and open the viewer on their page with the whole
sentence lit. The parts without a model are checked on their own first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fpdf import FPDF
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage

from app.core.documents.process import DocumentsProcess
from app.core.documents.records import Quote, Source
from app.core.paths import AppPaths
from app.core.settings import Settings
from app.gui.chat.message_view import MessageView
from app.gui.documents.citations import QuoteText, quoted_source
from app.gui.documents.source_viewer import SourceViewer
from app.gui.tasks import TaskManager
from tests.gui.documents.test_documents import PDF_PAGES
from tests.gui_windows import OpenWindow, send, wait_answered, wait_ready

INGEST_TIMEOUT_MS = 60_000
VIEWER_TIMEOUT_MS = 20_000
GULLS = "The lighthouse keeper counted seventeen gulls on the northern breakwater"

# The source viewer is raised when opened; Qt's offscreen platform cannot raise windows.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise")


@pytest.fixture
def harbour_pdf(tmp_path: Path) -> Path:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    for text in PDF_PAGES:
        pdf.add_page()
        pdf.multi_cell(0, 8, text)
    path = tmp_path / "harbour.pdf"
    pdf.output(str(path))
    return path


def quote_on_page_2(path: Path) -> tuple[Source, Quote]:
    text = PDF_PAGES[1]
    start = text.index(GULLS)
    end = text.index(".", start) + 1
    source = Source(1, str(path), 2, text, 0.9, 0, len(text), "pdf")
    return source, Quote(1, str(path), 2, text[start:end], start, end, 0.8)


def click_quote(qtbot: Any, row: QuoteText) -> None:
    """Click the middle of the quote's first word, as a user would."""
    cursor = row.textCursor()
    cursor.setPosition(2)
    point: QPoint = row.cursorRect(cursor).center()
    qtbot.mouseClick(row.viewport(), Qt.MouseButton.LeftButton, pos=point)


def lit_share(viewer: SourceViewer) -> float:
    """The share of the lit rectangles' pixels that are highlighter yellow (or ink in it)."""
    canvas = viewer.page_view.canvas
    image: QImage = canvas.grab().toImage()
    ratio = image.devicePixelRatio()
    yellow = total = 0
    for rect in canvas.highlight_rects():
        for x in range(int(rect.left() + 2), int(rect.right() - 2), 3):
            for y in range(int(rect.top() + 2), int(rect.bottom() - 2), 2):
                color = image.pixelColor(int(x * ratio), int(y * ratio))
                total += 1
                if color.red() > 200 and color.green() > 170 and color.blue() < 140:
                    yellow += 1
    return yellow / total if total else 0.0


# --- without a model ---------------------------------------------------------------------


def test_quotes_are_shown_above_the_answer_and_open_their_sentence(
    qtbot: Any, harbour_pdf: Path
) -> None:
    source, quote = quote_on_page_2(harbour_pdf)
    view = MessageView("assistant")
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.show()
    qtbot.waitExposed(view)
    assert not view.quotes_view.isVisible()
    view.set_sources([source])
    view.set_quotes([quote])
    assert view.quotes == (quote,)
    assert view.quotes_view.isVisible()
    assert view.quotes_view.title.text() == "From your documents"
    layout = view.layout()
    assert layout is not None
    assert layout.indexOf(view.quotes_view) < layout.indexOf(view.body)  # above the answer
    (row,) = view.quotes_view.rows
    shown = row.toPlainText()
    assert shown.startswith(GULLS)
    assert " ".join(shown.split()).endswith("notebook. [1] p. 2")
    cursor = row.textCursor()
    cursor.setPosition(2)
    assert cursor.charFormat().fontItalic()  # the documents' words, set apart from the model's
    assert view.body.toPlainText() == "…"  # the model has written nothing yet

    with qtbot.waitSignal(view.source_chosen, timeout=2000) as chosen:
        click_quote(qtbot, row)
    opened = chosen.args[0]
    assert opened == quoted_source(quote, [source])
    assert (opened.text, opened.start, opened.end) == (quote.text, quote.start, quote.end)
    assert opened.kind == "pdf"

    view.set_text("I do not know.")  # a poor answer: the quotes stay
    assert view.quotes == (quote,)
    assert view.quotes_view.isVisible()


def test_the_viewer_lights_the_whole_quote_on_its_page(
    qtbot: Any, tasks: TaskManager, harbour_pdf: Path
) -> None:
    source, quote = quote_on_page_2(harbour_pdf)
    viewer = SourceViewer(None, tasks)  # type: ignore[arg-type]  # a PDF needs no Documents
    qtbot.addWidget(viewer)
    viewer.show()
    seen: list[tuple[bool, str]] = []  # (rendered, placeholder) whenever the page is on screen

    def watch(_index: int) -> None:
        if viewer.stack.currentWidget() is viewer.page_view:
            seen.append((viewer.page_view.rendered, viewer.page_view.canvas.placeholder))

    viewer.stack.currentChanged.connect(watch)
    with qtbot.waitSignal(viewer.passage_shown, timeout=VIEWER_TIMEOUT_MS):
        viewer.show_source(quoted_source(quote, [source]))
    assert seen
    assert all(
        rendered or placeholder.startswith("Loading page 2") for rendered, placeholder in seen
    )
    assert viewer.highlighted
    assert viewer.page_view.page == 1
    assert viewer.page_view.rendered
    lines = viewer.page_view.highlights
    assert len(lines) >= 2  # the sentence runs over two lines: both are lit, whole
    margin = 10 * 72 / 25.4  # fpdf2's left margin, in points
    assert lines[0][0] > margin + 50  # the quote starts after "Birds of the breakwater."
    assert lines[1][0] < margin + 5  # and goes on from the start of the next line
    assert lit_share(viewer) > 0.4
    assert viewer.note.isHidden()
    assert viewer.page_label.text() == "Page 2 of 3"

    viewer.go_to_page(2)  # another page: nothing lit there
    qtbot.waitUntil(lambda: viewer.page_view.rendered, timeout=VIEWER_TIMEOUT_MS)
    assert viewer.page_view.highlights == []
    viewer.go_to_page(1)
    qtbot.waitUntil(lambda: viewer.page_view.rendered, timeout=VIEWER_TIMEOUT_MS)
    assert viewer.page_view.highlights == lines

    gone = Quote(1, str(harbour_pdf), 3, "Nothing like this is written anywhere.", 0, 10)
    with qtbot.waitSignal(viewer.passage_shown, timeout=VIEWER_TIMEOUT_MS):
        viewer.show_source(quoted_source(gone, [source]))
    assert not viewer.highlighted
    assert "not found" in viewer.note.text()
    assert viewer.page_view.rendered  # the page is still shown


def test_a_quote_from_a_text_file_is_selected_in_its_text(
    qtbot: Any, tasks: TaskManager, tmp_path: Path
) -> None:
    note = tmp_path / "ferry notes.txt"
    text = (
        "Ferry timetable notes.\n\nThe first ferry to Isla Verde leaves at 06:40 from the "
        "eastern quay. Tickets are sold at the kiosk beside the fish market; cash only.\n"
    )
    note.write_text(text, encoding="utf-8")
    start = text.index("The first ferry")
    end = text.index("quay.") + len("quay.")
    source = Source(2, str(note), None, text[start:], 0.7, start, len(text), "text")
    quote = Quote(2, str(note), None, text[start:end], start, end)
    documents = DocumentsProcess(
        AppPaths(tmp_path / "data", tmp_path / "config", tmp_path / "models", tmp_path / "c"),
        Settings,
    )
    viewer = SourceViewer(documents, tasks)
    qtbot.addWidget(viewer)
    try:
        with qtbot.waitSignal(viewer.passage_shown, timeout=VIEWER_TIMEOUT_MS):
            viewer.show_source(quoted_source(quote, [source]))
        assert viewer.highlighted
        assert viewer.stack.currentWidget() is viewer.text_view
        assert viewer.text_view.textCursor().selectedText() == quote.text
        assert viewer.pages_bar.isHidden()
    finally:
        documents.close()


# --- with the real model ------------------------------------------------------------------


def test_a_document_answer_quotes_its_sources_before_the_model_writes(
    qtbot: Any, open_window: OpenWindow, harbour_pdf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[tuple[tuple[Quote, ...], str, bool]] = []  # quotes, text so far, visible
    set_quotes = MessageView.set_quotes

    def recorded(view: MessageView, quotes: Any) -> None:
        set_quotes(view, quotes)
        if quotes:
            shown.append((view.quotes, view.text, view.quotes_view.isVisible()))

    monkeypatch.setattr(MessageView, "set_quotes", recorded)
    window = open_window(temperature=0.0)
    with qtbot.waitSignal(window.library.job_ended, timeout=INGEST_TIMEOUT_MS):
        window.documents_panel.on_paths_picked([str(harbour_pdf)])
    assert window.composer.library() == "default"
    wait_ready(qtbot, window)

    send(qtbot, window, "How many gulls did the lighthouse keeper count?")
    answer = window.chat_view.messages()[-1]
    wait_answered(qtbot, window)
    assert shown, "the quotes were never shown"
    quotes, text_then, visible = shown[0]
    assert text_then == "", "the quotes came after the model had started writing"
    assert visible
    assert any("seventeen gulls" in quote.text for quote in quotes)
    assert answer.quotes == quotes  # kept, whatever the model wrote
    assert answer.quotes_view.isVisible()

    index = next(i for i, quote in enumerate(quotes) if "seventeen gulls" in quote.text)
    quote = quotes[index]
    click_quote(qtbot, answer.quotes_view.rows[index])
    qtbot.waitUntil(lambda: window.source_viewer is not None, timeout=5000)
    viewer = window.source_viewer
    assert viewer is not None
    qtbot.waitUntil(
        lambda: viewer.source is not None and viewer.source.text == quote.text,
        timeout=VIEWER_TIMEOUT_MS,
    )
    qtbot.waitUntil(lambda: viewer.highlighted, timeout=VIEWER_TIMEOUT_MS)
    assert quote.page == 2
    assert viewer.page_view.page == quote.page - 1
    assert lit_share(viewer) > 0.4

    # Stored with the answer: reopened, the conversation shows the same quotes.
    conversation = window.conversation_id
    assert conversation is not None
    window.on_new_chat()
    window.on_conversation_chosen(conversation)
    qtbot.waitUntil(lambda: len(window.chat_view.messages()) == 2, timeout=5000)
    reopened = window.chat_view.messages()[1]
    assert [(q.n, q.page, q.text, q.start, q.end) for q in reopened.quotes] == [
        (q.n, q.page, q.text, q.start, q.end) for q in quotes
    ]
    assert reopened.quotes_view.isVisible()
