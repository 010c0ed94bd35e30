"""The chat's turns: sending a message, following its answer, and which conversation is on screen.

`ChatController` owns the conversation on screen (`conversation_id`) and the
answer streaming into it (one at a time). A message is sent, an answer
regenerated, or a question edited and sent again as a core job (`Services.chat`),
followed through a `JobBridge`: its text streams into the answer's bubble, its
sources and quotes are shown as soon as they are chosen, and its end (finished,
stopped or failed) is noted under it. Sending is allowed while the model loads —
the turn queues behind the load on core's model worker — and refused after a
failed load, while an answer streams, and while a conversation is being read.

Leaving the conversation (New chat, another conversation, or it was deleted)
stops its answer; the partial answer is kept, marked as stopped. Store reads
run off the GUI thread (`TaskManager.run_in_background`). The window wires the
views' signals to the `on_*` slots here, and its own actions to `actions_changed`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QWidget

from app.core.chat.presets import Preset
from app.core.chat.service import ChatReply, SourcesFound, TurnStarted
from app.core.chat.storage import Conversation, StoredMessage
from app.core.errors import ConfidenteError, ModelError
from app.core.services import Services
from app.core.worker import Failed, Job
from app.gui.chat.chat_view import ChatView, stopped_note
from app.gui.chat.composer import Composer
from app.gui.chat.conversation_panel import ConversationPanel
from app.gui.chat.message_view import MessageView
from app.gui.documents.document_tasks import KeptResult
from app.gui.errors import show_error
from app.gui.models import ModelLoader, ModelState
from app.gui.status import AppStatusBar
from app.gui.tasks import JobBridge, TaskManager


@dataclass
class _Turn:
    """The answer streaming into the chat pane."""

    bridge: JobBridge
    answer: MessageView
    question: MessageView | None = None  # None when an answer is regenerated
    stopped_by_user: bool = False


class ChatController(QObject):
    """Sends what the composer gives, streams the answers into the chat view, and
    opens, starts and leaves conversations, for `window`.

    Signals:
        actions_changed(): what can be done now changed: sending (`can_send`),
            stopping an answer (`busy`), or cancelling an edit (`editing`).
    """

    actions_changed = Signal()

    def __init__(
        self,
        services: Services,
        tasks: TaskManager,
        loader: ModelLoader,
        *,
        chat_view: ChatView,
        composer: Composer,
        panel: ConversationPanel,
        status: AppStatusBar,
        window: QWidget,
    ) -> None:
        super().__init__(window)
        self._services = services
        self._tasks = tasks
        self._loader = loader
        self._chat_view = chat_view
        self._composer = composer
        self._panel = panel
        self._status = status
        self._window = window  # error boxes open over it
        self._conversation_id: int | None = None
        self._opening: int | None = None  # conversation whose messages are being read
        self._turn: _Turn | None = None
        self._editing: MessageView | None = None  # the question being edited in the composer
        loader.state_changed.connect(self.on_model_state_changed)
        tasks.call_failed.connect(self.on_background_failed)

    @property
    def conversation_id(self) -> int | None:
        """The conversation on screen, which the next message continues (None: a new one)."""
        return self._conversation_id

    @property
    def busy(self) -> bool:
        """An answer is streaming."""
        return self._turn is not None

    @property
    def editing(self) -> bool:
        """A question is back in the composer, to be sent again in its place."""
        return self._editing is not None

    @property
    def _model_state(self) -> ModelState:
        return self._loader.state

    def can_send(self) -> bool:
        return self._model_state != "failed" and self._turn is None and self._opening is None

    def update_actions(self) -> None:
        """Say in the composer and on the messages what can be done now; then in the window."""
        self._composer.set_sending_allowed(self.can_send(), self._loader.hint())
        self._composer.set_stop_allowed(self.busy)
        self._chat_view.set_message_actions(self.can_send() and self._conversation_id is not None)
        self.actions_changed.emit()

    @Slot(str)
    def on_model_state_changed(self, state: str) -> None:
        if state == "ready" and self._turn is not None:
            self._turn.answer.set_note("")  # no longer waiting for the model
        self.update_actions()

    @Slot(object, str)
    def on_background_failed(self, _error: BaseException, _report: str) -> None:
        """A store call failed (the window shows why): a conversation being read is not."""
        self._opening = None
        self.update_actions()

    # --- sending and answers -----------------------------------------------------

    @Slot(str)
    def on_submitted(self, text: str) -> None:
        if not text.strip() or not self.can_send():
            return
        editing = self._editing
        chat = self._services.chat
        try:
            if editing is not None and self._conversation_id is not None:
                assert editing.message_id is not None
                job = chat.edit(
                    self._conversation_id,
                    editing.message_id,
                    text,
                    library=self._composer.library(),
                )
            else:
                preset = self._composer.chosen_preset()
                job = chat.send(
                    self._conversation_id,
                    text,
                    library=self._composer.library(),
                    system_prompt=preset.prompt if preset is not None else None,
                )
        except ConfidenteError as error:
            show_error(self._window, error)
            return
        if editing is not None:
            self._set_editing(None)
            self._chat_view.remove_from(editing)
        self._composer.clear()
        question = self._chat_view.add_message("user", text.strip())
        self._follow_answer(job, question)

    @Slot(object)
    def on_regenerate_requested(self, view: object) -> None:
        """A new answer to the last question, in place of `view` (the last answer)."""
        if self._conversation_id is None or not self.can_send():
            return
        try:
            job = self._services.chat.regenerate(
                self._conversation_id, library=self._composer.library()
            )
        except ConfidenteError as error:
            show_error(self._window, error)
            return
        self._set_editing(None)
        self._chat_view.remove_from(cast(MessageView, view))
        self._follow_answer(job, None)

    @Slot(object)
    def on_edit_requested(self, view: object) -> None:
        """Put a question back in the composer; sending replaces it and what followed."""
        message = cast(MessageView, view)
        if not self.can_send():
            return
        self._set_editing(message)
        self._composer.editor.setPlainText(message.text)
        self._composer.editor.setFocus()

    def _set_editing(self, view: MessageView | None) -> None:
        was_editing, self._editing = self._editing is not None, view
        if view is not None:
            self._status.showMessage(
                self.tr(
                    "Editing your message: send to replace it (and what followed), Esc to cancel."
                )
            )
        elif was_editing:
            self._status.clearMessage()
        self.update_actions()

    def _follow_answer(self, job: Job[ChatReply], question: MessageView | None) -> None:
        answer = self._chat_view.add_message("assistant")
        if self._model_state == "loading":
            answer.set_note(self.tr("Waiting for the model to load…"))
        bridge = self._tasks.follow(job)
        self._turn = _Turn(bridge, answer, question)
        bridge.text_changed.connect(self.on_answer_text)
        bridge.notice_received.connect(self.on_turn_notice)
        bridge.updated.connect(self.on_turn_update)
        bridge.finished.connect(self.on_answer_finished)
        bridge.failed.connect(self.on_answer_failed)
        self.update_actions()

    @Slot(str)
    def on_answer_text(self, text: str) -> None:
        if self._turn is not None and self.sender() is self._turn.bridge:
            self._turn.answer.set_note("")
            self._turn.answer.set_text(text.strip())

    @Slot(str)
    def on_turn_notice(self, message: str) -> None:
        if self._turn is not None and self.sender() is self._turn.bridge:
            self._chat_view.add_notice(message, before=self._turn.answer)
        self._status.showMessage(message, 10_000)

    @Slot(object)
    def on_turn_update(self, value: object) -> None:
        """The question is saved: its conversation is now the one on screen, and listed.
        Or the passages of a document answer are chosen: the answer will cite them, and
        the sentences of them that answer the question are shown at once."""
        turn = self._turn
        if turn is None or self.sender() is not turn.bridge:
            return
        if isinstance(value, TurnStarted):
            self._conversation_id = value.conversation_id
            if turn.question is not None:
                turn.question.message_id = value.question.id
            self.refresh_conversations()
        elif isinstance(value, SourcesFound):
            turn.answer.set_sources(value.sources)
            turn.answer.set_quotes(value.quotes)

    @Slot(object)
    def on_answer_finished(self, result: object) -> None:
        reply = cast(ChatReply, result)
        self._status.show_speed(reply.stats)
        turn = self._take_turn(self.sender())
        if turn is not None:
            self._conversation_id = reply.conversation_id
            turn.answer.message_id = reply.message.id
            turn.answer.set_sources(reply.sources)
            if reply.quotes:  # else those of SourcesFound stay, whatever the model wrote
                turn.answer.set_quotes(reply.quotes)
            turn.answer.set_text(reply.message.content)
            turn.answer.set_unsupported(reply.unsupported)
            if reply.message.stopped:
                turn.answer.set_note(stopped_note())
            elif not reply.message.content:
                turn.answer.set_note(self.tr("The model gave no answer."))
        self.refresh_conversations()
        self.update_actions()

    @Slot(object)
    def on_answer_failed(self, failed: object) -> None:
        failure = cast(Failed, failed)
        turn = self._take_turn(self.sender())
        if turn is not None:
            reason = (
                str(failure.error) if failure.expected else self.tr("something went wrong inside.")
            )
            turn.answer.set_note(self.tr("No answer: {reason}").format(reason=reason))
            already_told = isinstance(failure.error, ModelError) and self._model_state == "failed"
            if not (failure.expected and (turn.stopped_by_user or already_told)):
                show_error(self._window, failure.error, failure.report)
        elif not failure.expected:
            show_error(self._window, failure.error, failure.report)
        self.refresh_conversations()  # the question was saved even if no answer came
        self.update_actions()

    @Slot()
    def on_stop(self) -> None:
        """Esc: stop the answer; with none under way, stop editing a message."""
        if self._turn is not None:
            self._turn.stopped_by_user = True
            self._turn.bridge.cancel()
            self._status.showMessage(self.tr("Stopping…"), 3000)
        elif self._editing is not None:
            self._set_editing(None)
            self._composer.clear()

    def _take_turn(self, sender: QObject | None) -> _Turn | None:
        """The current turn if `sender` is its bridge; it is then no longer current."""
        turn = self._turn
        if turn is None or sender is not turn.bridge:
            return None
        self._turn = None
        return turn

    def leave_turn(self) -> None:
        """Stop the answer on screen: the user moved to another conversation, or the
        window is closing."""
        if self._turn is not None:
            self._turn.bridge.cancel()
            self._turn = None

    # --- conversations -----------------------------------------------------------

    def refresh_conversations(self) -> None:
        self._tasks.run_in_background(
            self._services.store.list_conversations, self._show_conversations
        )

    def _show_conversations(self, conversations: list[Conversation]) -> None:
        self._panel.show_conversations(conversations, self._conversation_id)

    @Slot(int)
    def on_conversation_chosen(self, conversation_id: int) -> None:
        if conversation_id != self._conversation_id:
            self._open(conversation_id)

    def _open(self, conversation_id: int) -> None:
        """Read the conversation's messages (off the GUI thread) and show them."""
        self.leave_turn()
        self._conversation_id = self._opening = conversation_id
        self._chat_view.clear()
        store = self._services.store
        self._tasks.run_in_background(
            lambda: (store.get_conversation(conversation_id), store.messages(conversation_id)),
            lambda opened: self._show_opened(conversation_id, *opened),
        )
        self.update_actions()

    def _show_opened(
        self, conversation_id: int, conversation: Conversation, messages: list[StoredMessage]
    ) -> None:
        if self._opening != conversation_id:
            return  # the user has moved on
        self._opening = None
        self._composer.show_system_prompt(
            conversation.system_prompt or self._services.settings.system_prompt
        )
        self._chat_view.show_messages(messages)
        self.update_actions()

    @Slot(object)
    def keep_result(self, kept: object) -> None:
        """Keep a document task's result (a `KeptResult`) in the conversation on screen,
        or in a new one while an answer streams there, and show it."""
        result = cast(KeptResult, kept)
        target = None if self.busy else self._conversation_id
        chat = self._services.chat
        self._tasks.run_in_background(
            lambda: chat.keep_result(
                target, result.request, result.markdown, result.sources, stopped=result.stopped
            ),
            lambda pair: self._show_kept(target, pair[1]),
        )

    def _show_kept(self, target: int | None, answer: StoredMessage) -> None:
        self.refresh_conversations()
        if self.busy or self._opening is not None or self._conversation_id != target:
            self._status.showMessage(self.tr("The result was saved with the conversations."), 8000)
            return  # the user is elsewhere now: the list shows where it went
        self._open(answer.conversation_id)  # again, with the result; the list marks it once read

    @Slot(int)
    def on_conversation_deleted(self, conversation_id: int) -> None:
        """Deleted from the panel: if it was on screen, start a new chat in its place."""
        if conversation_id in (self._conversation_id, self._opening):
            self.on_new_chat()  # also stops an answer streaming into it
        self.refresh_conversations()

    @Slot(object)
    def on_preset_chosen(self, chosen: object) -> None:
        """A system prompt preset for this conversation (a new one gets it with its first
        message)."""
        if self._conversation_id is not None:
            self._panel.save_preset(self._conversation_id, cast(Preset, chosen))

    @Slot()
    def on_new_chat(self) -> None:
        self.leave_turn()
        self._set_editing(None)
        self._composer.show_system_prompt(self._services.settings.system_prompt)
        self._conversation_id = self._opening = None
        self._chat_view.clear()
        self._panel.select(None)
        self._composer.editor.setFocus()
        self.update_actions()
