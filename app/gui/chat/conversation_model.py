"""The conversation list and the search hits: thin Qt models over plain lists of core records."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from app.core.chat.storage import Conversation, SearchHit, StoredRole
from app.gui.item_flags import read_only_flags
from app.gui.plain_text import plain_tooltip

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

    def rename(self, conversation_id: int, title: str) -> None:
        """Show the new title at once, before the window lists the conversations again."""
        row = self.row_of(conversation_id)
        if row is not None:
            self._conversations[row] = replace(self._conversations[row], title=title)
            self.dataChanged.emit(self.index(row), self.index(row))

    def remove(self, conversation_id: int) -> None:
        row = self.row_of(conversation_id)
        if row is not None:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._conversations[row]
            self.endRemoveRows()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else len(self._conversations)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._conversations):
            return None
        conversation = self._conversations[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return conversation.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(
                self.tr("{title}\nLast message: {when}").format(
                    title=conversation.title, when=_when(conversation.updated)
                )
            )
        if role == ConversationIdRole:
            return conversation.id
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        return read_only_flags(index)


class SearchHitModel(QAbstractListModel):
    """The hits of one search, best first: the title, then the words around the match."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._hits: list[SearchHit] = []

    def set_hits(self, hits: Sequence[SearchHit]) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self.endResetModel()

    def hit_at(self, row: int) -> SearchHit:
        return self._hits[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return hit.title if hit.role is None else f"{hit.title}\n{hit.snippet}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            if hit.role is None:
                return self.tr("{title} (title)").format(title=hit.title)
            return f"{hit.title}: {self._speaker(hit.role)}: {hit.snippet}"
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = hit.title if hit.role is None else f"{self._speaker(hit.role)}: {hit.snippet}"
            return plain_tooltip(tip)
        if role == ConversationIdRole:
            return hit.conversation_id
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        return read_only_flags(index)

    def _speaker(self, role: StoredRole) -> str:
        """Who wrote the matching message, as the chat pane names them."""
        return self.tr("You") if role == "user" else "Confidente"


def _when(timestamp: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(timestamp))
