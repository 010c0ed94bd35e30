"""The left column: New chat, and the stored conversations, newest first."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, Qt, Signal, Slot
from PySide6.QtWidgets import QAbstractItemView, QListView, QPushButton, QVBoxLayout, QWidget

from app.core.storage import Conversation
from app.gui.conversation_model import ConversationListModel


class ConversationPanel(QWidget):
    """Lists conversations; says which one the user picked. It reads nothing itself.

    Signals:
        conversation_chosen(int): the user clicked (or pressed Enter on) a conversation.
        new_chat_requested(): the user pressed New chat.
    """

    conversation_chosen = Signal(int)
    new_chat_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ConversationListModel(self)
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setAccessibleName("Conversations")
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setUniformItemSizes(True)
        self.list.setSpacing(3)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.new_chat_button = QPushButton("New chat")
        self.new_chat_button.setAccessibleName("New chat")
        self.new_chat_button.setToolTip("Start a new conversation (Ctrl+N)")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 0, 8)
        layout.addWidget(self.new_chat_button)
        layout.addWidget(self.list, 1)
        self.list.clicked.connect(self.on_index_chosen)
        self.list.activated.connect(self.on_index_chosen)
        self.new_chat_button.clicked.connect(self.new_chat_requested)

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

    @Slot(QModelIndex)
    def on_index_chosen(self, index: QModelIndex) -> None:
        if index.isValid():
            self.conversation_chosen.emit(self.model.conversation_at(index.row()).id)
