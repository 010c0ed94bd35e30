"""The conversation list: a thin Qt model over a plain list of stored conversations."""

from __future__ import annotations

import time
from collections.abc import Sequence

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from app.core.storage import Conversation
from app.gui.item_flags import read_only_flags

AnyIndex = QModelIndex | QPersistentModelIndex

ConversationIdRole = Qt.ItemDataRole.UserRole + 1


class ConversationListModel(QAbstractListModel):
    """Most recently updated first, as the store lists them. Read-only."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._conversations: list[Conversation] = []

    def set_conversations(self, conversations: Sequence[Conversation]) -> None:
        self.beginResetModel()
        self._conversations = list(conversations)
        self.endResetModel()

    def conversation_at(self, row: int) -> Conversation:
        return self._conversations[row]

    def row_of(self, conversation_id: int) -> int | None:
        for row, conversation in enumerate(self._conversations):
            if conversation.id == conversation_id:
                return row
        return None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else len(self._conversations)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._conversations):
            return None
        conversation = self._conversations[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return conversation.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{conversation.title}\nLast message: {_when(conversation.updated)}"
        if role == ConversationIdRole:
            return conversation.id
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        return read_only_flags(index)


def _when(timestamp: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(timestamp))
