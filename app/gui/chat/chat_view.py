"""The chat pane: a scrolling column of message bubbles and notices.

It follows the newest text while the reader is at the bottom, and stays put
when they have scrolled up to read something earlier.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from app.core.chat.storage import StoredMessage
from app.core.documents.quotes import unsupported_spans
from app.core.documents.records import Quote, Source
from app.gui.chat.message_view import MessageView, Role
from app.gui.fitted_text import soft_breaks, without_soft_breaks
from app.gui.i18n import QT_TRANSLATE_NOOP, Retranslated

STOPPED_NOTE = QT_TRANSLATE_NOOP("ChatView", "Stopped before the end.")


def stopped_note() -> str:
    """The note under an answer that was stopped, in the interface's language."""
    return QCoreApplication.translate("ChatView", STOPPED_NOTE)


class ChatView(Retranslated, QScrollArea):
    """Messages of the conversation on screen, oldest first.

    Signals:
        link_refused(str): a link in a message was clicked; it was not opened.
        source_chosen(object): a citation or source of an answer was clicked (a `Source`).
        regenerate_requested(object): "Regenerate" was pressed on an answer (its MessageView).
        edit_requested(object): "Edit" was pressed on a question (its MessageView).
    """

    link_refused = Signal(str)
    source_chosen = Signal(object)
    regenerate_requested = Signal(object)
    edit_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        column = QWidget()
        column.setBackgroundRole(QPalette.ColorRole.Window)
        self._layout = QVBoxLayout(column)
        self._layout.setContentsMargins(16, 12, 16, 12)
        self._layout.setSpacing(10)
        self._empty = QLabel()
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._empty.setWordWrap(True)
        self._empty.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._layout.addWidget(self._empty)
        self._layout.addStretch(1)
        self.setWidget(column)
        self._follow = True
        bar = self.verticalScrollBar()
        bar.valueChanged.connect(self.on_scrolled)
        bar.rangeChanged.connect(self.on_range_changed)
        self.retranslate()

    def retranslate(self) -> None:
        """The pane's own texts; the messages retranslate themselves, notices stay as said."""
        self.setAccessibleName(self.tr("Conversation"))
        self._empty.setText(
            self.tr(
                "Start a conversation by typing below.\nEverything stays on this computer: "
                "nothing you write is sent anywhere."
            )
        )

    def clear(self) -> None:
        for widget in self._items():
            # Deleted by Qt on this thread; never handed to Python's collector.
            self._layout.removeWidget(widget)
            widget.hide()
            widget.deleteLater()
        self._empty.show()
        self._follow = True

    def show_messages(self, messages: Sequence[StoredMessage]) -> None:
        self.clear()
        for message in messages:
            # Not stored: found again from the answer and its sources, as when it was written.
            # Not once a source was removed: its text is gone, not the answer's support.
            unsupported = (
                unsupported_spans(message.content, message.sources)
                if message.role == "assistant"
                and message.sources
                and not any(source.removed for source in message.sources)
                else ()
            )
            view = self.add_message(
                message.role, message.content, message.sources, message.quotes, unsupported
            )
            view.message_id = message.id
            if message.stopped:
                view.set_note(stopped_note())

    def add_message(
        self,
        role: Role,
        text: str = "",
        sources: Sequence[Source] = (),
        quotes: Sequence[Quote] = (),
        unsupported: Sequence[tuple[int, int]] = (),
    ) -> MessageView:
        view = MessageView(role, text, sources=sources, quotes=quotes, unsupported=unsupported)
        view.body.link_refused.connect(self.link_refused)
        view.source_chosen.connect(self.source_chosen)
        view.regenerate_requested.connect(self.regenerate_requested)
        view.edit_requested.connect(self.edit_requested)
        self._append(view)
        return view

    def remove_from(self, first: QWidget) -> None:
        """Take `first` and everything shown after it off the screen."""
        items = self._items()
        if first not in items:
            return
        for widget in items[items.index(first) :]:
            self._layout.removeWidget(widget)
            widget.hide()
            widget.deleteLater()
        if not self._items():
            self._empty.show()

    def set_message_actions(self, enabled: bool) -> None:
        """Offer Edit on stored questions and Regenerate on the last stored answer only."""
        views = self.messages()
        last_answer = next((v for v in reversed(views) if v.role == "assistant"), None)
        for view in views:
            stored = view.message_id is not None
            if view.role == "user":
                view.set_actions_enabled(enabled and stored)
            else:
                view.set_actions_enabled(enabled and stored and view is last_answer)

    def add_notice(self, text: str, before: QWidget | None = None) -> QLabel:
        """Add a line telling the user something, at the end or just above `before`."""
        notice = QLabel(soft_breaks(text))  # a long path in it wraps
        notice.setObjectName("notice")
        notice.setAccessibleName(self.tr("Notice"))
        notice.setWordWrap(True)
        notice.setTextFormat(Qt.TextFormat.PlainText)
        notice.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        font = notice.font()
        font.setItalic(True)
        notice.setFont(font)
        self._append(notice, before)
        return notice

    def messages(self) -> list[MessageView]:
        return [w for w in self._items() if isinstance(w, MessageView)]

    def plain_text(self) -> str:
        """Everything shown, as plain text (for tests and copying)."""
        parts: list[str] = []
        for widget in self._items():
            if isinstance(widget, MessageView):
                parts.append(f"{widget.speaker.text()}: {widget.body.toPlainText()}")
            elif isinstance(widget, QLabel):
                parts.append(without_soft_breaks(widget.text()))
        return "\n".join(parts)

    def scroll_to_end(self) -> None:
        self._follow = True
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())

    def _append(self, widget: QWidget, before: QWidget | None = None) -> None:
        self._empty.hide()
        index = self._layout.indexOf(before) if before is not None else -1
        if index < 0:
            index = self._layout.count() - 1  # just above the closing stretch
        self._layout.insertWidget(index, widget)
        self.scroll_to_end()

    def _items(self) -> list[QWidget]:
        found: list[QWidget] = []
        for i in range(self._layout.count()):
            item = self._layout.itemAt(i)
            widget = item.widget() if item is not None else None
            if widget is not None and widget is not self._empty:
                found.append(widget)
        return found

    @Slot(int)
    def on_scrolled(self, value: int) -> None:
        self._follow = value >= self.verticalScrollBar().maximum() - 4

    @Slot(int, int)
    def on_range_changed(self, _minimum: int, maximum: int) -> None:
        if self._follow:
            self.verticalScrollBar().setValue(maximum)
