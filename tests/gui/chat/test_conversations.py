"""The conversation panel on a real store: search, rename, delete and export.

Every store call is recorded with the thread that made it: none may run on the
GUI thread. No model is loaded; the panel only needs the store and the window's
TaskManager, which each test stops (joining its threads) before it ends.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from app.core.chat.export import conversation_markdown
from app.core.chat.storage import Conversation, ConversationStore, SearchHit, StoredMessage
from app.core.documents.records import Source
from app.gui.chat.conversation_actions import suggested_file_name
from app.gui.chat.conversation_model import (
    ConversationIdRole,
    ConversationListModel,
    SearchHitModel,
)
from app.gui.chat.conversation_panel import ConversationPanel
from app.gui.tasks import TaskManager
from tests.data_keys import home_key

TIMEOUT_MS = 5000


class RecordingStore(ConversationStore):
    """The real store, noting which of its methods ran on the GUI thread."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, home_key())
        self.calls: list[tuple[str, bool]] = []

    def _note(self, name: str) -> None:
        self.calls.append((name, threading.current_thread() is threading.main_thread()))

    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        self._note("search")
        return super().search(query, limit)

    def rename_conversation(self, conversation_id: int, title: str) -> Conversation:
        self._note("rename_conversation")
        return super().rename_conversation(conversation_id, title)

    def delete_conversation(self, conversation_id: int) -> None:
        self._note("delete_conversation")
        super().delete_conversation(conversation_id)

    def get_conversation(self, conversation_id: int) -> Conversation:
        self._note("get_conversation")
        return super().get_conversation(conversation_id)

    def messages(self, conversation_id: int) -> list[StoredMessage]:
        self._note("messages")
        return super().messages(conversation_id)

    def on_gui_thread(self) -> list[str]:
        return [name for name, on_gui in self.calls if on_gui]


@dataclass
class Opened:
    panel: ConversationPanel
    store: RecordingStore  # the panel's
    reader: ConversationStore  # the test's own connection to the same file, not recorded
    tasks: TaskManager
    ids: dict[str, int] = field(default_factory=dict)

    def refresh(self) -> None:
        """What the window does: list the conversations into the panel."""
        self.panel.show_conversations(self.store.list_conversations(), None)


@pytest.fixture
def opened(qtbot: Any, tmp_path: Path) -> Iterator[Opened]:
    store = RecordingStore(tmp_path / "conversations.sqlite3")
    recipes = store.create_conversation("Recetas de invierno", "Be brief.")
    store.add_message(recipes.id, "user", "¿Cómo se hace la tortilla de patatas?")
    store.add_message(recipes.id, "assistant", "Con huevos, patatas y **paciencia**.")
    contract = store.create_conversation("Plan de acción")
    store.add_message(contract.id, "user", "¿Qué dice el contrato sobre la rescisión?")
    source = Source(1, "/docs/contrato.pdf", 4, "Treinta días de preaviso.", 0.9, 0, 25, "pdf")
    store.add_message(
        contract.id,
        "assistant",
        "La rescisión exige treinta días de preaviso [1].\n\n| Plazo | Días |\n|---|---|\n"
        "| Preaviso | 30 |",
        sources=(source,),
    )
    tasks = TaskManager()
    panel = ConversationPanel()
    qtbot.addWidget(panel)
    panel.attach(store, tasks)
    reader = ConversationStore(store.path, home_key())
    result = Opened(panel, store, reader, tasks, {"recipes": recipes.id, "contract": contract.id})
    result.refresh()
    panel.show()
    qtbot.waitExposed(panel)
    yield result
    for box in panel.findChildren(QMessageBox):
        box.close()
    tasks.stop()  # joins the background thread before the store closes
    tasks.join()  # and its job readers
    store.close()
    reader.close()
    assert store.on_gui_thread() == []


def select(panel: ConversationPanel, conversation_id: int) -> None:
    row = panel.model.row_of(conversation_id)
    assert row is not None
    panel.list.setCurrentIndex(panel.model.index(row))


def search(qtbot: Any, panel: ConversationPanel, text: str) -> None:
    panel.search_field.clear()
    qtbot.keyClicks(panel.search_field, text)
    qtbot.waitUntil(
        lambda: panel.hit_list.isVisible() or panel.no_hits_label.isVisible(), timeout=TIMEOUT_MS
    )


def click_row(qtbot: Any, view: Any, row: int) -> None:
    rect = view.visualRect(view.model().index(row, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_search_shows_hits_in_place_of_the_list_and_a_hit_opens_its_conversation(
    qtbot: Any, opened: Opened
) -> None:
    panel = opened.panel
    assert panel.search_field.placeholderText() == "Search conversations"
    assert panel.search_field.accessibleName() == "Search conversations"
    search(qtbot, panel, "rescision")  # no accent typed
    assert not panel.list.isVisible()
    assert panel.hits.rowCount() == 2  # the question and the answer
    shown = [panel.hits.index(row).data() for row in range(panel.hits.rowCount())]
    assert all(text.startswith("Plan de acción\n") for text in shown)
    assert any("La rescisión exige treinta días" in text for text in shown)

    with qtbot.waitSignal(panel.conversation_chosen, timeout=TIMEOUT_MS) as chosen:
        click_row(qtbot, panel.hit_list, 0)
    assert chosen.args == [opened.ids["contract"]]

    search(qtbot, panel, "ACCIÓN")  # a title hit
    assert panel.hits.index(0).data() == "Plan de acción"
    search(qtbot, panel, "zanahoria")
    assert panel.no_hits_label.isVisible()
    assert not panel.hit_list.isVisible()
    search(qtbot, panel, '("tortilla*')  # operators typed are only characters
    assert panel.hits.index(0).data(ConversationIdRole) == opened.ids["recipes"]

    qtbot.keyClick(panel.search_field, Qt.Key.Key_Escape)  # back to the list
    assert panel.search_field.text() == ""
    assert panel.list.isVisible()
    assert not panel.hit_list.isVisible()
    assert {name for name, _ in opened.store.calls} == {"search"}


def test_ctrl_f_target_and_keys_in_the_search_field(qtbot: Any, opened: Opened) -> None:
    panel = opened.panel
    panel.activateWindow()
    panel.search_field.setText("tortilla")
    panel.list.setFocus()
    panel.focus_search()
    qtbot.waitUntil(panel.search_field.hasFocus, timeout=TIMEOUT_MS)
    assert panel.search_field.selectedText() == "tortilla"  # typing replaces it
    qtbot.waitUntil(lambda: panel.hits.rowCount() > 0, timeout=TIMEOUT_MS)
    qtbot.keyClick(panel.search_field, Qt.Key.Key_Down)
    assert panel.hit_list.hasFocus()
    assert panel.hit_list.currentIndex().row() == 0
    with qtbot.waitSignal(panel.conversation_chosen, timeout=TIMEOUT_MS) as chosen:
        qtbot.keyClick(panel.hit_list, Qt.Key.Key_Return)
    assert chosen.args == [opened.ids["recipes"]]


def test_hits_that_arrive_after_the_field_was_cleared_are_dropped(
    qtbot: Any, opened: Opened
) -> None:
    panel = opened.panel
    panel.search_field.setText("tortilla")
    panel.run_search()
    panel.search_field.clear()  # before the hits come back
    finished: list[object] = []
    opened.tasks.run_in_background(lambda: None, finished.append)  # runs after the search
    qtbot.waitUntil(lambda: bool(finished), timeout=TIMEOUT_MS)
    assert [name for name, _ in opened.store.calls] == ["search"]
    assert panel.list.isVisible()
    assert not panel.hit_list.isVisible()
    assert not panel.no_hits_label.isVisible()
    assert panel.hits.rowCount() == 0


def test_rename_asks_for_a_title_refuses_an_empty_one_and_stores_it(
    qtbot: Any, opened: Opened
) -> None:
    panel = opened.panel
    contract = opened.ids["contract"]
    assert not panel.conversation_actions.rename_action.isEnabled()  # nothing selected yet
    select(panel, contract)
    assert panel.conversation_actions.rename_action.isEnabled()
    dialog = panel.conversation_actions.ask_rename()
    assert dialog is not None
    assert dialog.textValue() == "Plan de acción"
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    dialog.setTextValue("   ")
    assert not ok.isEnabled()
    dialog.setTextValue("Rescisión del contrato")
    assert ok.isEnabled()
    with qtbot.waitSignal(panel.conversation_renamed, timeout=TIMEOUT_MS) as renamed:
        ok.click()
    assert renamed.args == [contract, "Rescisión del contrato"]
    assert opened.reader.get_conversation(contract).title == "Rescisión del contrato"
    row = panel.model.row_of(contract)
    assert row is not None
    assert panel.model.index(row).data() == "Rescisión del contrato"

    # An empty title that gets past the dialog is refused too, and said why.
    panel.conversation_actions.rename(contract, " \n ")
    boxes = [b for b in panel.findChildren(QMessageBox) if b.isVisible()]
    assert ["needs a title" in b.text() for b in boxes] == [True]
    assert opened.reader.get_conversation(contract).title == "Rescisión del contrato"


# Qt's offscreen platform can neither raise a popup nor give it the keyboard.
@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")
def test_keys_and_the_context_menu_reach_the_actions(qtbot: Any, opened: Opened) -> None:
    panel = opened.panel
    menu = panel.conversation_actions.menu
    panel.activateWindow()
    select(panel, opened.ids["recipes"])
    panel.list.setFocus()
    qtbot.waitUntil(panel.list.hasFocus, timeout=TIMEOUT_MS)
    qtbot.keyClick(panel.list, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: bool(visible_boxes(panel)), timeout=TIMEOUT_MS)
    assert "Recetas de invierno" in visible_boxes(panel)[0].text()
    visible_boxes(panel)[0].button(QMessageBox.StandardButton.Cancel).click()

    row = panel.model.row_of(opened.ids["contract"])
    assert row is not None
    position = panel.list.visualRect(panel.model.index(row)).center()
    panel.list.customContextMenuRequested.emit(position)
    qtbot.waitUntil(menu.isVisible, timeout=TIMEOUT_MS)
    assert panel.current_conversation() == (opened.ids["contract"], "Plan de acción")
    assert [a.text() for a in menu.actions() if not a.isSeparator()] == [
        "Rename…",
        "Delete…",
        "Export as Markdown…",
        "Export as PDF…",
    ]
    menu.close()
    panel.list.customContextMenuRequested.emit(QPoint(5, 5000))  # below the rows: no menu
    assert not menu.isVisible()


def visible_boxes(panel: ConversationPanel) -> list[QMessageBox]:
    return [b for b in panel.findChildren(QMessageBox) if b.isVisible()]


def test_delete_asks_first_then_erases_the_conversation(qtbot: Any, opened: Opened) -> None:
    panel = opened.panel
    recipes = opened.ids["recipes"]
    select(panel, recipes)
    box = panel.conversation_actions.confirm_delete()
    assert box is not None
    assert "“Recetas de invierno”" in box.text()
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    box.button(QMessageBox.StandardButton.Cancel).click()  # changing one's mind deletes nothing
    assert recipes in {c.id for c in opened.reader.list_conversations()}
    assert "delete_conversation" not in {name for name, _ in opened.store.calls}

    box = panel.conversation_actions.confirm_delete()
    assert box is not None
    delete = next(b for b in box.buttons() if b.text() == "Delete conversation")
    with qtbot.waitSignal(panel.conversation_deleted, timeout=TIMEOUT_MS) as deleted:
        delete.click()
    assert deleted.args == [recipes]
    assert [c.id for c in opened.reader.list_conversations()] == [opened.ids["contract"]]
    assert panel.model.row_of(recipes) is None
    assert opened.reader.search("tortilla") == []


def test_deleting_from_the_search_hits_updates_them(qtbot: Any, opened: Opened) -> None:
    panel = opened.panel
    search(qtbot, panel, "tortilla")
    panel.hit_list.setCurrentIndex(panel.hits.index(0))
    box = panel.conversation_actions.confirm_delete()
    assert box is not None
    delete = next(b for b in box.buttons() if b.text() == "Delete conversation")
    with qtbot.waitSignal(panel.conversation_deleted, timeout=TIMEOUT_MS):
        delete.click()
    qtbot.waitUntil(panel.no_hits_label.isVisible, timeout=TIMEOUT_MS)
    assert panel.hits.rowCount() == 0


def test_export_as_markdown_writes_the_file(qtbot: Any, opened: Opened, tmp_path: Path) -> None:
    panel = opened.panel
    contract = opened.ids["contract"]
    select(panel, contract)
    dialog = panel.conversation_actions.ask_export_markdown()
    assert dialog is not None
    assert dialog.selectedFiles()[0].endswith("/Plan de acción.md")
    target = tmp_path / "exported.md"
    dialog.selectFile(str(target))
    with qtbot.waitSignal(panel.conversation_actions.exported, timeout=TIMEOUT_MS) as exported:
        dialog.accept()
    assert exported.args == [str(target)]
    expected = conversation_markdown(
        opened.reader.get_conversation(contract), opened.reader.messages(contract)
    )
    assert target.read_text(encoding="utf-8") == expected
    assert "- [1] `/docs/contrato.pdf`, page 4" in expected


def test_export_as_pdf_writes_a_pdf(qtbot: Any, opened: Opened, tmp_path: Path) -> None:
    panel = opened.panel
    select(panel, opened.ids["recipes"])
    dialog = panel.conversation_actions.ask_export_pdf()
    assert dialog is not None
    assert dialog.selectedFiles()[0].endswith("/Recetas de invierno.pdf")
    target = tmp_path / "exported.pdf"
    dialog.selectFile(str(target))
    with qtbot.waitSignal(panel.conversation_actions.exported, timeout=TIMEOUT_MS) as exported:
        dialog.accept()
    assert exported.args == [str(target)]
    data = target.read_bytes()
    assert data.startswith(b"%PDF-")
    assert b"%%EOF" in data[-64:]
    assert [p.name for p in tmp_path.glob("*.part")] == []


def test_suggested_file_names_are_safe() -> None:
    assert suggested_file_name("Plan: a/b *¿qué?*", ".md") == "Plan a b ¿qué.md"
    assert suggested_file_name("...", ".pdf") == "Conversation.pdf"
    assert suggested_file_name("x" * 300, ".md") == "x" * 80 + ".md"


def test_the_models_pass_the_model_tester(qtmodeltester: Any) -> None:
    conversations = ConversationListModel()
    conversations.set_conversations(
        [Conversation(1, "Uno", 1.0, 2.0, None, 0), Conversation(2, "Dos", 1.0, 1.0, None, 0)]
    )
    qtmodeltester.check(conversations)
    conversations.rename(2, "Dos bis")
    assert conversations.index(1).data() == "Dos bis"
    conversations.remove(1)
    assert conversations.rowCount() == 1
    qtmodeltester.check(conversations)

    hits = SearchHitModel()
    hits.set_hits(
        [
            SearchHit(1, "Uno", None, "Uno", None),
            SearchHit(1, "Uno", 5, "…la acción…", "assistant"),
        ]
    )
    qtmodeltester.check(hits)
    assert hits.index(1).data() == "Uno\n…la acción…"
    assert hits.index(1).data(Qt.ItemDataRole.AccessibleTextRole) == (
        "Uno: Confidente: …la acción…"
    )
    assert hits.index(0, 0, QModelIndex()).data(ConversationIdRole) == 1
