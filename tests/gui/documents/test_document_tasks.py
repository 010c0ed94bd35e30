"""Document tasks from the Documents pane, on real services and the real starter model:
the context menu, the options dialogs, the result windows, export and cancel."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox, QTableWidgetItem, QWidget

from app.core.documents.records import IndexedFile
from app.core.services import Services
from app.core.tasks.extract import Extraction
from app.core.tasks.pages import PageRange
from app.core.tasks.summarize import Summary
from app.core.tasks.translate import Translation
from app.gui.documents.document_tasks import DocumentTasks
from app.gui.documents.panel import DocumentsPanel
from app.gui.documents.task_dialogs import (
    CompareDialog,
    ExtractDialog,
    SummariseDialog,
    TaskDialog,
    TaskRequest,
    TranslateDialog,
)
from app.gui.documents.task_results import TaskResultWindow
from app.gui.tasks import TaskManager
from tests.gui_windows import OpenWindow
from tests.pdfs import make_pdf

TASK_TIMEOUT_MS = 120_000
HARBOUR_PAGES = (
    "Harbour maintenance log. The cranes on pier one were greased in March and the "
    "mooring lines were replaced after the spring inspection.",
    "Birds of the breakwater. The lighthouse keeper counted seventeen gulls on the northern "
    "breakwater every morning, and wrote the number in a green notebook.",
    "Winter storms. The harbour was closed for nine days in January while waves broke over "
    "the outer wall. Fishing boats stayed in the inner basin until the wind dropped.",
)
LEASE_PAGES = (
    "Lease agreement. This lease is made between Ana Ruiz, the tenant, and Hogar Rentals "
    "S.L., the landlord, for the flat at 12 Calle Mayor, Madrid.",
    "Payment. The monthly rent is 850 euros, paid by bank transfer before the fifth day of "
    "each month. The lease starts on 1 March 2024.",
)
OLD_NOTES = (
    "Ferry timetable notes.\n\n"
    "The first ferry to Isla Verde leaves at 06:40 from the eastern quay every morning.\n\n"
    "Dogs travel free of charge when they are kept on a short lead on the open deck.\n\n"
    "Tickets are sold at the kiosk beside the fish market and are paid in cash only.\n"
)
NEW_NOTES = (
    "Ferry timetable notes.\n\n"
    "The first ferry to Isla Verde leaves at 06:40 from the eastern quay every morning.\n\n"
    "Tickets are sold at the kiosk beside the fish market and are paid in cash only.\n\n"
    "Bicycles ride on the lower car deck and need a separate bicycle ticket from the kiosk.\n"
)


def _text(item: QTableWidgetItem | None) -> str:
    assert item is not None
    return item.text()


def _file(path: Path) -> IndexedFile:
    return IndexedFile(str(path), "indexed", "", 1, 1, 100, 0.0)


@pytest.fixture
def host(qtbot: Any) -> QWidget:
    """The window the dialogs and result windows belong to."""
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def panel(qtbot: Any) -> DocumentsPanel:
    pane = DocumentsPanel()
    qtbot.addWidget(pane)
    return pane


@pytest.fixture
def plain_services() -> Iterator[Services]:
    """Services without a model: compare needs none."""
    services = Services()
    yield services
    services.close()


def _controller(
    services: Services, tasks: TaskManager, panel: DocumentsPanel, host: QWidget
) -> Iterator[DocumentTasks]:
    controller = DocumentTasks(services.tasks, tasks, panel, host)
    yield controller
    controller.close_windows()


@pytest.fixture
def model_tasks(
    services: Services, tasks: TaskManager, panel: DocumentsPanel, host: QWidget
) -> Iterator[DocumentTasks]:
    """Document tasks on real services with the starter model loaded."""
    yield from _controller(services, tasks, panel, host)


@pytest.fixture
def compare_tasks(
    plain_services: Services, tasks: TaskManager, panel: DocumentsPanel, host: QWidget
) -> Iterator[DocumentTasks]:
    yield from _controller(plain_services, tasks, panel, host)


def _run(qtbot: Any, controller: DocumentTasks, kind: str, path: Path) -> TaskResultWindow:
    """Ask for `kind` on `path` as the context menu does; confirm the dialog's options
    (set before by the caller through `prepare`); wait for the task's end."""
    controller.on_task_requested(kind, str(path))
    assert controller.dialog is not None
    return _confirm(qtbot, controller, controller.dialog)


def _confirm(qtbot: Any, controller: DocumentTasks, dialog: TaskDialog) -> TaskResultWindow:
    dialog.accept()
    assert not dialog.error_label.isVisible(), dialog.error_label.text()
    window = controller.result_windows[-1]
    qtbot.waitUntil(lambda: not window.running, timeout=TASK_TIMEOUT_MS)
    return window


def test_a_files_context_menu_offers_the_four_tasks(
    qtbot: Any, panel: DocumentsPanel, tmp_path: Path
) -> None:
    paths = [tmp_path / "a.txt", tmp_path / "b.txt"]
    panel.show_files([_file(p) for p in paths])

    menu = panel.task_menu(1)

    texts = [action.text() for action in menu.actions()]
    assert texts == ["Summarise…", "Extract into a table…", "Compare with…", "Translate…"]
    with qtbot.waitSignal(panel.task_requested) as asked:
        menu.actions()[2].trigger()
    assert asked.args == ["compare", str(paths[1])]
    menu.close()


@pytest.mark.parametrize("dialog_type", [SummariseDialog, ExtractDialog, TranslateDialog])
@pytest.mark.parametrize("typed", ["7-3", "three", "0"])
def test_the_dialogs_refuse_a_bad_page_range(
    qtbot: Any, host: QWidget, dialog_type: type[TaskDialog], typed: str
) -> None:
    dialog = dialog_type("/docs/report.pdf", host)
    if isinstance(dialog, ExtractDialog):
        dialog.fields_edit.setText("dose, drug")
    dialog.open()
    asked: list[TaskRequest] = []
    dialog.requested.connect(asked.append)

    dialog.pages_edit.setText(typed)
    dialog.accept()

    assert dialog.isVisible()
    assert dialog.error_label.isVisible()
    assert f"“{typed}” is not a page range" in dialog.error_label.text()
    assert asked == []

    dialog.pages_edit.setText("2-4")
    assert not dialog.error_label.isVisible()  # the message goes once the user types
    dialog.accept()
    assert not dialog.isVisible()
    assert [request.pages for request in asked] == [PageRange(2, 4)]


def test_extract_and_compare_say_what_is_missing(qtbot: Any, host: QWidget) -> None:
    extract = ExtractDialog("/docs/lease.pdf", host)
    extract.open()
    extract.accept()
    assert extract.isVisible()
    assert "at least one field" in extract.error_label.text()
    extract.template_combo.setCurrentIndex(extract.template_combo.findData("contract"))
    extract.on_template_chosen(extract.template_combo.currentIndex())
    assert extract.fields() == ("parties", "dates", "amounts", "obligations", "deadlines")
    extract.close()

    compare = CompareDialog("/docs/old.txt", ["/docs/old.txt"], host)
    compare.open()
    compare.accept()
    assert compare.isVisible()
    assert "Choose the document to compare with" in compare.error_label.text()
    compare.add_other("/elsewhere/new.txt")
    asked: list[TaskRequest] = []
    compare.requested.connect(asked.append)
    compare.accept()
    assert [(r.path, r.other) for r in asked] == [("/docs/old.txt", "/elsewhere/new.txt")]


def test_summarise_a_real_pdf_shows_points_citing_their_pages(
    qtbot: Any, model_tasks: DocumentTasks, tmp_path: Path
) -> None:
    pdf = make_pdf(tmp_path / "harbour.pdf", HARBOUR_PAGES)

    window = _run(qtbot, model_tasks, "summarize", pdf)

    assert isinstance(window.result, Summary)
    assert not window.result.partial
    text = window.text_view.toPlainText()
    assert text.count("•") == len(window.result.points) >= 1
    for point in window.result.points:
        numbers = [str(p) for p in point.pages if p is not None]
        assert numbers  # a PDF's points cite pages
        assert f"p. {numbers[0]}" in text or f"pp. {', '.join(numbers)}" in text
    assert window.status_label.text() == "Done."
    assert not window.cancel_button.isVisible()
    assert all(button.isEnabled() for button in window.export_buttons)


def test_an_extraction_is_a_table_and_exports_the_same_rows(
    qtbot: Any, model_tasks: DocumentTasks, tmp_path: Path
) -> None:
    pdf = make_pdf(tmp_path / "lease.pdf", LEASE_PAGES)
    model_tasks.on_task_requested("extract", str(pdf))
    dialog = model_tasks.dialog
    assert isinstance(dialog, ExtractDialog)
    dialog.fields_edit.setText("tenant, rent")

    window = _confirm(qtbot, model_tasks, dialog)

    extraction = window.result
    assert isinstance(extraction, Extraction)
    table = window.table
    headers = [_text(table.horizontalHeaderItem(c)) for c in range(table.columnCount())]
    assert headers == ["Field", "Value", "Page", "Check"]
    assert table.rowCount() == 2
    shown = [[_text(table.item(r, c)) for c in range(4)] for r in range(table.rowCount())]
    assert [row[0] for row in shown] == ["tenant", "rent"]
    for row, cells in zip(extraction.rows, shown, strict=True):
        if row.cell.found:
            assert cells[1] == row.cell.value
            assert cells[2] == f"{row.cell.page} [{row.cell.n}]"
            assert ("not on the cited page" in cells[3]) == row.cell.unverified
        else:
            assert (cells[1], cells[2], cells[3]) == ("—", "", "not found")

    out = tmp_path / "out" / "lease.csv"
    csv_export = window.export_formats()[0]
    window.export_to(out, csv_export)
    qtbot.waitUntil(lambda: window.status_label.text().startswith("Saved to"))
    header, *rows = list(csv.reader(out.read_text(encoding="utf-8").splitlines()))
    assert header == ["field", "value", "page", "source", "check"]
    assert [row[:2] for row in rows] == [
        [cells[0], row.cell.value] for cells, row in zip(shown, extraction.rows, strict=True)
    ]
    assert [f"{row[2]} {row[3]}".strip() for row in rows] == [cells[2] for cells in shown]

    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    window.export_to(blocked / "lease.csv", csv_export)  # its folder is a file: OSError
    qtbot.waitUntil(lambda: window.findChild(QMessageBox) is not None)
    box = window.findChild(QMessageBox)
    assert box is not None
    assert "could not be written" in box.text()
    assert window.status_label.text() == "Not saved."
    box.close()
    qtbot.waitUntil(lambda: window.findChild(QMessageBox) is None)  # deleted on close

    original = pdf.read_bytes()
    window.export_to(tmp_path / "." / "lease.pdf", csv_export)  # the document itself
    qtbot.waitUntil(lambda: window.status_label.text() == "Not saved.")
    qtbot.waitUntil(lambda: window.findChild(QMessageBox) is not None)
    refused = window.findChild(QMessageBox)
    assert refused is not None
    assert "that is the document itself" in refused.text()
    assert pdf.read_bytes() == original
    refused.close()


def test_compare_two_text_files_lists_an_added_and_a_removed_section(
    qtbot: Any, compare_tasks: DocumentTasks, panel: DocumentsPanel, tmp_path: Path
) -> None:
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text(OLD_NOTES, encoding="utf-8")
    new.write_text(NEW_NOTES, encoding="utf-8")
    panel.show_files([_file(old), _file(new)])
    compare_tasks.on_task_requested("compare", str(old))
    dialog = compare_tasks.dialog
    assert isinstance(dialog, CompareDialog)
    assert dialog.other_combo.currentData() == str(new)  # the library's other file

    window = _confirm(qtbot, compare_tasks, dialog)

    items = [window.differences_list.item(i) for i in range(window.differences_list.count())]
    kinds = {item.data(0x0100) for item in items}  # Qt.UserRole
    assert {"added", "removed"} <= kinds
    added = next(i for i, item in enumerate(items) if item.text().startswith("Added — "))
    window.differences_list.setCurrentRow(added)
    assert "Bicycles ride on the lower car deck" in window.diff_view.toPlainText()
    removed = next(i for i, item in enumerate(items) if item.text().startswith("Removed — "))
    window.differences_list.setCurrentRow(removed)
    assert "Dogs travel free of charge" in window.diff_view.toPlainText()


def test_cancelling_a_task_keeps_its_part_and_the_window_usable(
    qtbot: Any, model_tasks: DocumentTasks, tmp_path: Path
) -> None:
    pages = tuple(f"{text} This is page {n}." for n, text in enumerate(HARBOUR_PAGES * 4, 1))
    pdf = make_pdf(tmp_path / "long.pdf", pages)
    model_tasks.on_task_requested("translate", str(pdf))
    dialog = model_tasks.dialog
    assert isinstance(dialog, TranslateDialog)
    dialog.target_combo.setCurrentIndex(dialog.target_combo.findData("es"))
    dialog.accept()
    window = model_tasks.result_windows[-1]
    assert window.cancel_button.isVisible()
    qtbot.waitUntil(lambda: window.progress_bar.value() >= 1, timeout=TASK_TIMEOUT_MS)
    assert window.progress_bar.maximum() == len(pages)
    assert window.status_label.text().endswith(f" of {len(pages)} pages done")

    window.cancel_button.click()
    qtbot.waitUntil(lambda: not window.running, timeout=TASK_TIMEOUT_MS)

    translation = window.result
    assert isinstance(translation, Translation)
    assert translation.partial
    assert 1 <= len(translation.pages) < len(pages)
    assert "Stopped" in window.status_label.text()
    assert window.text_view.toPlainText().startswith("— Page 1 —")
    assert all(button.isEnabled() for button in window.export_buttons)
    # The model is free again: the next task runs to its end.
    again = _run(qtbot, model_tasks, "translate", make_pdf(tmp_path / "one.pdf", pages[:1]))
    assert isinstance(again.result, Translation)
    assert not again.result.partial


def test_a_task_that_cannot_run_says_why_in_its_window(
    qtbot: Any, compare_tasks: DocumentTasks, tmp_path: Path
) -> None:
    old = tmp_path / "old.txt"
    old.write_text(OLD_NOTES, encoding="utf-8")

    window = compare_tasks.start(TaskRequest("compare", str(old), other=str(tmp_path / "gone.txt")))
    qtbot.waitUntil(lambda: not window.running, timeout=TASK_TIMEOUT_MS)

    assert window.status_label.text().startswith("The task failed: ")
    assert window.result is None
    assert not window.cancel_button.isVisible()
    assert not any(button.isEnabled() for button in window.export_buttons)


def test_the_windows_documents_pane_runs_tasks(
    qtbot: Any, open_window: OpenWindow, tmp_path: Path
) -> None:
    window = open_window()
    controller = window.documents_dock.document_tasks
    window.documents_panel.task_requested.emit("summarize", str(tmp_path / "a.pdf"))
    assert isinstance(controller.dialog, SummariseDialog)
    assert controller.dialog.isVisible()
    controller.dialog.reject()


def test_a_tasks_result_is_kept_in_the_chat_with_its_sources(
    qtbot: Any, open_window: OpenWindow, tmp_path: Path
) -> None:
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text(OLD_NOTES, encoding="utf-8")
    new.write_text(NEW_NOTES, encoding="utf-8")
    window = open_window()
    controller = window.documents_dock.document_tasks
    assert window.conversation_id is None  # a new chat: the result starts a conversation

    result = controller.start(TaskRequest("compare", str(old), other=str(new)))
    qtbot.waitUntil(lambda: not result.running, timeout=TASK_TIMEOUT_MS)
    qtbot.waitUntil(lambda: len(window.chat_view.messages()) == 2, timeout=TASK_TIMEOUT_MS)

    question, answer = window.chat_view.messages()
    assert question.role == "user"
    assert "Compare old.txt with new.txt" in question.body.toPlainText()
    assert answer.role == "assistant"
    assert "Bicycles ride on the lower car deck" in answer.body.toPlainText()
    assert [s.path for s in answer.sources] == [str(old), str(new)]  # its citation chips
    assert window.conversation_id is not None
    qtbot.waitUntil(lambda: window.conversations.rowCount() == 1)
    stored = window._services.store.messages(window.conversation_id)
    assert [m.role for m in stored] == ["user", "assistant"]


def test_a_saved_translation_can_be_added_to_the_library(
    qtbot: Any, open_window: OpenWindow, tmp_path: Path
) -> None:
    window = open_window()
    controller = window.documents_dock.document_tasks
    pdf = make_pdf(tmp_path / "harbour.pdf", HARBOUR_PAGES[:1])
    result = controller.start(TaskRequest("translate", str(pdf), target="es"))
    qtbot.waitUntil(lambda: not result.running, timeout=TASK_TIMEOUT_MS)
    assert not result.add_button.isVisible()  # nothing saved yet

    saved = tmp_path / "harbour.es.md"
    result.export_to(saved, result.export_formats()[0])
    qtbot.waitUntil(lambda: result.status_label.text().startswith("Saved to"))
    assert result.add_button.isVisible()
    with qtbot.waitSignal(controller.add_requested) as asked:
        result.add_button.click()
    assert asked.args == [str(saved)]
    assert not result.add_button.isEnabled()  # once

    panel = window.documents_panel
    qtbot.waitUntil(
        lambda: [f.path for f in panel.model.files()] == [str(saved)], timeout=TASK_TIMEOUT_MS
    )
