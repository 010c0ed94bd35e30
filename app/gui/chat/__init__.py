"""The chat pane: the conversation list, the messages, the composer, and the controller
that sends messages and follows their answers."""

from app.gui.chat.chat_view import ChatView, stopped_note
from app.gui.chat.composer import Composer
from app.gui.chat.controller import ChatController
from app.gui.chat.conversation_panel import ConversationPanel
from app.gui.chat.message_view import MessageView

__all__ = [
    "ChatController",
    "ChatView",
    "Composer",
    "ConversationPanel",
    "MessageView",
    "stopped_note",
]
