"""The left column: New chat, a search field, and the stored conversations, newest first.

The window fills the list (`show_conversations`); the panel searches the store
it is given by `attach`, through the window's `TaskManager.run_in_background`.
What is done to one conversation — rename, delete, export — is
`ConversationActions`', offered here in each list's context menu, on the ⋯
button and on keys; the panel follows what they did in its lists.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.chat.presets import Preset
from app.core.chat.storage import Conversation, ConversationStore, SearchHit
from app.gui.chat.composer import preset_label
from app.gui.chat.conversation_actions import ConversationActions
from app.gui.chat.conversation_model import ConversationListModel, SearchHitModel
from app.gui.i18n import Retranslated
from app.gui.tasks import TaskManager

SEARCH_DELAY_MS = 200  # typing pauses this long before the search runs
SEARCH_LIMIT = 100


class ConversationPanel(Retranslated, QWidget):
    """Lists and searches conversations; its `conversation_actions` rename, delete and
    export the current one.

    Signals:
        conversation_chosen(int): the user clicked (or pressed Enter on) a conversation,
            or a search hit in it.
        new_chat_requested(): the user pressed New chat.
        conversation_renamed(int, str): a conversation was renamed (id, new title) in the
            store, and in the list.
        conversation_deleted(int): a conversation and its messages were deleted from the
            store, and from the list.
        status_posted(str, int): what was done, for the status bar, and for how long (ms).
    """

    conversation_chosen = Signal(int)
    new_chat_requested = Signal()
    conversation_renamed = Signal(int, str)
    conversation_deleted = Signal(int)
    status_posted = Signal(str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store: ConversationStore | None = None
        self._tasks: TaskManager | None = None
        self._search_generation = 0  # of the latest search asked for; older results are dropped
        self.model = ConversationListModel(self)
        self.list = self._list_view(self.model)
        self.hits = SearchHitModel(self)
        self.hit_list = self._list_view(self.hits)
        self.hit_list.setUniformItemSizes(False)
        self.hit_list.setWordWrap(True)  # the whole snippet, on as many lines as it takes
        self.hit_list.hide()
        self.no_hits_label = QLabel()
        self.no_hits_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_hits_label.setWordWrap(True)
        self.no_hits_label.hide()
        self.new_chat_button = QPushButton()
        self.search_field = QLineEdit()
        self.search_field.setClearButtonEnabled(True)
        self.search_field.installEventFilter(self)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.run_search)
        self._build_actions()

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.new_chat_button, 1)
        top.addWidget(self.actions_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 0, 8)
        layout.addLayout(top)
        layout.addWidget(self.search_field)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.hit_list, 1)
        layout.addWidget(self.no_hits_label, 1)

        for view in (self.list, self.hit_list):
            view.clicked.connect(self.on_index_chosen)
            view.activated.connect(self.on_index_chosen)
            view.customContextMenuRequested.connect(self.on_context_menu)
            view.selectionModel().currentChanged.connect(self.on_current_changed)
        self.new_chat_button.clicked.connect(self.new_chat_requested)
        self.search_field.textChanged.connect(self.on_search_text_changed)
        self.search_field.returnPressed.connect(self.run_search)
        self._update_actions()
        self.retranslate()

    def retranslate(self) -> None:
        """Every text in the interface's language (the lists' models translate as they
        are read)."""
        self.list.setAccessibleName(self.tr("Conversations"))
        self.hit_list.setAccessibleName(self.tr("Search results"))
        self.no_hits_label.setText(self.tr("No conversation matches."))
        self.new_chat_button.setText(self.tr("New chat"))
        self.new_chat_button.setAccessibleName(self.tr("New chat"))
        self.new_chat_button.setToolTip(self.tr("Start a new conversation (Ctrl+N)"))
        self.search_field.setPlaceholderText(self.tr("Search conversations"))
        self.search_field.setAccessibleName(self.tr("Search conversations"))
        self.search_field.setToolTip(
            self.tr("Search the titles and messages of all conversations (Ctrl+F)")
        )
        self.conversation_actions.retranslate()
        self.actions_button.setAccessibleName(self.tr("Conversation actions"))
        self.actions_button.setToolTip(
            self.tr("Rename, delete or export the selected conversation")
        )

    @staticmethod
    def _list_view(model: ConversationListModel | SearchHitModel) -> QListView:
        view = QListView()
        view.setModel(model)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setUniformItemSizes(True)
        view.setSpacing(3)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        return view

    def _build_actions(self) -> None:
        """One set of actions on the current conversation: in the context menu, in the
        ⋯ button's menu, and on keys while a list has the focus."""
        actions = self.conversation_actions = ConversationActions(self.current_conversation, self)
        actions.renamed.connect(self._on_renamed)
        actions.deleted.connect(self._on_deleted)
        actions.status_posted.connect(self.status_posted)
        for view in (self.list, self.hit_list):
            view.addActions(list(actions.keyed))
        self.actions_button = QToolButton()
        self.actions_button.setText("⋯")
        self.actions_button.setMenu(actions.menu)
        self.actions_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)

    def attach(self, store: ConversationStore, tasks: TaskManager) -> None:
        """Work on `store`, through `tasks`; until then search and the actions do nothing."""
        self._store = store
        self._tasks = tasks
        self.conversation_actions.attach(store, tasks)
        self._update_actions()

    # --- the list ------------------------------------------------------------------

    def show_conversations(
        self, conversations: Sequence[Conversation], current: int | None
    ) -> None:
        self.model.set_conversations(conversations)
        self.select(current)

    def select(self, conversation_id: int | None) -> None:
        """Highlight a conversation (None: none) without signalling a choice."""
        row = self.model.row_of(conversation_id) if conversation_id is not None else None
        if row is None:
            self.list.clearSelection()
            self.list.setCurrentIndex(QModelIndex())
        else:
            self.list.setCurrentIndex(self.model.index(row))
        self._update_actions()

    @Slot(QModelIndex)
    def on_index_chosen(self, index: QModelIndex) -> None:
        if index.isValid():
            conversation_id = self._conversation_at(index)
            if conversation_id is not None:
                self.conversation_chosen.emit(conversation_id)

    @Slot(QModelIndex, QModelIndex)
    def on_current_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._update_actions()

    def _conversation_at(self, index: QModelIndex) -> int | None:
        if not index.isValid():
            return None
        if index.model() is self.hits:
            return self.hits.hit_at(index.row()).conversation_id
        return self.model.conversation_at(index.row()).id

    def _visible_view(self) -> QListView:
        return self.hit_list if self.searching else self.list

    def current_conversation(self) -> tuple[int, str] | None:
        """The id and title of the conversation the actions apply to: the one current in
        the list on screen (the conversation list, or the search hits)."""
        view = self._visible_view()
        index = view.currentIndex()
        if not index.isValid():
            return None
        if view is self.hit_list:
            hit = self.hits.hit_at(index.row())
            return hit.conversation_id, hit.title
        conversation = self.model.conversation_at(index.row())
        return conversation.id, conversation.title

    def _update_actions(self) -> None:
        enabled = self._store is not None and self.current_conversation() is not None
        self.conversation_actions.set_enabled(enabled)
        self.actions_button.setEnabled(enabled)

    @Slot(QPoint)
    def on_context_menu(self, position: QPoint) -> None:
        view = self.sender()
        if not isinstance(view, QListView):
            return
        index = view.indexAt(position)
        if not index.isValid():
            return
        view.setCurrentIndex(index)
        self._update_actions()
        self.conversation_actions.menu.popup(view.viewport().mapToGlobal(position))

    # --- search --------------------------------------------------------------------

    @property
    def searching(self) -> bool:
        """Search hits are shown in place of the list."""
        return bool(self.search_field.text().strip())

    def focus_search(self) -> None:
        """Put the cursor in the search field, its text selected (for Ctrl+F)."""
        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_field.selectAll()

    @Slot(str)
    def on_search_text_changed(self, text: str) -> None:
        if text.strip():
            self._search_timer.start()
            return
        self._search_timer.stop()
        self._search_generation += 1  # a search still running is no longer wanted
        self.hits.set_hits([])
        self.hit_list.hide()
        self.no_hits_label.hide()
        self.list.show()
        self._update_actions()

    @Slot()
    def run_search(self) -> None:
        """Search now for what the field holds; hits replace the list when they arrive."""
        self._search_timer.stop()
        query = self.search_field.text()
        if self._store is None or self._tasks is None or not query.strip():
            return
        self._search_generation += 1
        generation = self._search_generation
        store = self._store
        self._tasks.run_in_background(
            lambda: store.search(query, SEARCH_LIMIT),
            lambda hits: self._show_hits(generation, hits),
        )

    def _show_hits(self, generation: int, hits: list[SearchHit]) -> None:
        if generation != self._search_generation or not self.searching:
            return  # the user typed on, or cleared the field
        self.hits.set_hits(hits)
        self.list.hide()
        self.hit_list.setVisible(bool(hits))
        self.no_hits_label.setVisible(not hits)
        self._update_actions()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """In the search field, Down goes to the hits and Escape clears the search."""
        if (
            watched is self.search_field
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
        ):
            key = event.key()
            if key == Qt.Key.Key_Down and self.hit_list.isVisible() and self.hits.rowCount():
                self.hit_list.setFocus(Qt.FocusReason.OtherFocusReason)
                if not self.hit_list.currentIndex().isValid():
                    self.hit_list.setCurrentIndex(self.hits.index(0))
                return True
            if key == Qt.Key.Key_Escape and self.search_field.text():
                self.search_field.clear()
                self.list.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
        return super().eventFilter(watched, event)

    # --- the assistant's instructions --------------------------------------------------

    def save_preset(self, conversation_id: int, preset: Preset) -> None:
        """Make `preset` the conversation's system prompt, from its next answer."""
        if self._store is None or self._tasks is None:
            return
        store = self._store
        self._tasks.run_in_background(
            lambda: store.set_system_prompt(conversation_id, preset.prompt),
            lambda _: self.status_posted.emit(
                self.tr("From the next answer: {preset}.").format(
                    preset=preset_label(preset).lower()
                ),
                10_000,
            ),
        )

    # --- after an action ---------------------------------------------------------------

    @Slot(int, str)
    def _on_renamed(self, conversation_id: int, title: str) -> None:
        self.model.rename(conversation_id, title)
        if self.searching:
            self.run_search()
        self.conversation_renamed.emit(conversation_id, title)

    @Slot(int)
    def _on_deleted(self, conversation_id: int) -> None:
        self.model.remove(conversation_id)
        if self.searching:
            self.run_search()
        self._update_actions()
        self.conversation_deleted.emit(conversation_id)
