"""The main window: conversations on the left, the chat in the middle, documents on the right.

The model loads in the background (`model_loading`). Sending is allowed while
it loads: the turn queues behind the load on core's model worker, and the
banner and the message box say so. After a failed load, sending is refused
until a retry succeeds. One answer streams at a time;
Stop or Esc ends it, and leaving the conversation (New chat, another
conversation) stops it too — the partial answer is kept, marked as stopped.

Files and folders dropped anywhere on the window go to the library selected in
the Documents pane; with "Answer from documents" on, questions are answered
from that library, and the answer's citations open the source viewer.

The window's other parts live in their own modules: the menus (`window_menus`),
the Documents pane (`documents_dock`), and the dialogs' controllers — Settings
(`settings_controller`), Models (`models_dialog_controller`) and the first-run
welcome (`welcome`). A dropped `.gguf` goes to the models, not the library.
Every text is set in a `retranslate`, run again when the language changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QMainWindow, QSplitter, QVBoxLayout, QWidget

from app.core.chat.presets import Preset
from app.core.chat.service import ChatReply, SourcesFound, TurnStarted
from app.core.chat.storage import Conversation, StoredMessage
from app.core.errors import ConfidenteError, ModelError
from app.core.models.engine import ModelInfo
from app.core.privacy import install_network_guard
from app.core.services import Services
from app.core.worker import Failed, Job
from app.gui.chat.chat_view import ChatView, stopped_note
from app.gui.chat.composer import Composer
from app.gui.chat.conversation_panel import ConversationPanel
from app.gui.chat.message_view import MessageView
from app.gui.collector import GuiThreadCollector
from app.gui.documents.dock import DocumentsDock
from app.gui.documents.source_viewer import SourceViewer
from app.gui.drops import DroppedFiles, FileDropFilter
from app.gui.errors import ErrorReporter, show_error
from app.gui.i18n import Retranslated, install_translators, remove_translators
from app.gui.models.controller import ModelsController
from app.gui.models.dialog import ModelsDialog
from app.gui.models.dialog_controller import ModelsDialogController
from app.gui.models.loading import ModelLoader, ModelState
from app.gui.settings.controller import SettingsController
from app.gui.settings.dialog import SettingsDialog
from app.gui.status import AppStatusBar, ModelBanner
from app.gui.tasks import JobBridge, TaskManager
from app.gui.theme import apply_theme
from app.gui.welcome import WelcomeDialog, Welcomer
from app.gui.window_menus import WindowMenus


@dataclass
class _Turn:
    """The answer streaming into the chat pane."""

    bridge: JobBridge
    answer: MessageView
    question: MessageView | None = None  # None when an answer is regenerated
    stopped_by_user: bool = False


class MainWindow(Retranslated, QMainWindow):
    """Conversations on the left, the chat in the middle, the documents on the right,
    the model's state around them."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.tasks = TaskManager(self)
        self.tasks.call_failed.connect(self.on_background_error)
        self._conversation_id: int | None = None
        self._opening: int | None = None  # conversation whose messages are being read
        self._turn: _Turn | None = None
        self._editing: MessageView | None = None  # the question being edited in the composer
        self._shut_down = False
        self.setWindowTitle("Confidente")
        self.resize(1280, 760)
        self._build_widgets()
        self._build_documents()
        self._build_controllers()
        self._build_actions()
        self.retranslate()
        for warning in services.warnings:
            self.chat_view.add_notice(warning)
        self.status.show_loading()
        self.refresh_conversations()
        self.library.start()
        self._update_actions()

    @property
    def conversation_id(self) -> int | None:
        """The conversation on screen, which the next message continues (None: a new one)."""
        return self._conversation_id

    @property
    def busy(self) -> bool:
        return self._turn is not None

    def _build_widgets(self) -> None:
        self.panel = ConversationPanel()
        self.conversations = self.panel.model
        self.conversation_list = self.panel.list
        self.banner = ModelBanner()
        self.chat_view = ChatView()
        self.composer = Composer()
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.setSpacing(0)
        right_layout.addWidget(self.banner)
        right_layout.addWidget(self.chat_view, 1)
        right_layout.addWidget(self.composer)

        splitter = QSplitter()
        splitter.addWidget(self.panel)
        splitter.addWidget(right)
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 840])
        self.setCentralWidget(splitter)
        self.status = AppStatusBar()
        self.setStatusBar(self.status)

        self.panel.conversation_chosen.connect(self.on_conversation_chosen)
        self.panel.new_chat_requested.connect(self.on_new_chat)
        self.panel.attach(self._services.store, self.tasks)
        self.panel.conversation_deleted.connect(self.on_conversation_deleted)
        self.panel.conversation_renamed.connect(lambda *_: self.refresh_conversations())
        self.panel.status_posted.connect(self.on_status_posted)
        self.composer.submitted.connect(self.on_submitted)
        self.composer.stop_requested.connect(self.on_stop)
        self.composer.preset_chosen.connect(self.on_preset_chosen)
        self.composer.show_system_prompt(self._services.settings.system_prompt)
        self.banner.retry_requested.connect(self.load_model)
        self.chat_view.link_refused.connect(self.on_link_refused)
        self.chat_view.regenerate_requested.connect(self.on_regenerate_requested)
        self.chat_view.edit_requested.connect(self.on_edit_requested)
        self.composer.editor.setFocus()

    def _build_documents(self) -> None:
        self.documents_dock = DocumentsDock(self._services.documents, self.tasks, self)
        self.documents_panel = self.documents_dock.panel
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.documents_dock)
        self.resizeDocks([self.documents_dock], [320], Qt.Orientation.Horizontal)
        self.documents_dock.status_posted.connect(self.on_status_posted)
        self.library = self.documents_dock.library
        self.library.library_changed.connect(self.composer.set_library)
        self.library.indexing_progressed.connect(self.status.show_indexing)
        self.library.documents_added.connect(self.on_documents_added)
        self.chat_view.source_chosen.connect(self.documents_dock.open_source)
        self.composer.set_library(self.library.library)
        # Drop anywhere: on the window, and on the message box, which would paste the URL.
        self.setAcceptDrops(True)
        self.drops = FileDropFilter(self)
        self.drops.files_dropped.connect(self.on_files_dropped)
        for target in (self, self.composer.editor.viewport()):
            target.installEventFilter(self.drops)

    def _build_controllers(self) -> None:
        """The model's loading, and the dialogs' controllers: settings, models, welcome."""
        services = self._services
        self.loader = ModelLoader(services, self.tasks, self.banner, self.status, self)
        self.loader.state_changed.connect(self.on_model_state_changed)
        self.loader.notice_received.connect(self.on_notice)
        self.models = ModelsController(services.models, self.tasks, lambda: services.settings, self)
        self.models_dialogs = ModelsDialogController(self.models, self)
        self.models_dialogs.model_changed.connect(self.load_model)
        self.models_dialogs.status_posted.connect(self.on_status_posted)
        self.models_dialogs.notice_posted.connect(self.chat_view.add_notice)
        self.settings_controller = SettingsController(services, self.tasks, self)
        self.settings_controller.model_settings_changed.connect(self.load_model)
        self.settings_controller.status_posted.connect(self.on_status_posted)
        self.welcomer = Welcomer(services.paths, self.tasks, self)

    def _build_actions(self) -> None:
        self.menus = WindowMenus(self, self.documents_dock.toggleViewAction())
        self.new_chat_action = self.menus.new_chat_action
        self.new_chat_action.triggered.connect(self.on_new_chat)
        self.search_action = self.menus.search_action
        self.search_action.triggered.connect(self.panel.focus_search)
        self.stop_action = self.menus.stop_action
        self.stop_action.triggered.connect(self.on_stop)
        self.settings_action = self.menus.settings_action
        self.settings_action.triggered.connect(self.show_settings)
        self.menus.quit_action.triggered.connect(self.close)
        self.add_documents_action = self.menus.add_documents_action
        self.add_documents_action.triggered.connect(self.documents_dock.on_add_files)
        self.menus.add_folder_action.triggered.connect(self.documents_panel.on_add_folder_clicked)
        self.models_action = self.menus.models_action
        self.models_action.triggered.connect(self.show_models)
        self.retry_action = self.menus.retry_action
        self.retry_action.triggered.connect(self.load_model)

    def retranslate(self) -> None:
        """The window's own texts in the interface's language; its panels retranslate
        themselves on the same `LanguageChange` event."""
        self.menus.retranslate()
        self._update_actions()  # the composer's hint

    # --- the model ---------------------------------------------------------------

    @property
    def model_state(self) -> ModelState:
        return self.loader.state

    @property
    def model(self) -> ModelInfo | None:
        """The model loaded, once it is ready."""
        return self.loader.model

    @Slot()
    def load_model(self) -> None:
        self.loader.load()

    @Slot(str)
    def on_model_state_changed(self, state: str) -> None:
        if state == "ready" and self._turn is not None:
            self._turn.answer.set_note("")  # no longer waiting for the model
        self._update_actions()

    # --- settings, models, welcome: their controllers ------------------------------

    @Slot()
    def show_settings(self) -> SettingsDialog:
        return self.settings_controller.show()

    @Slot(object)
    def on_settings_accepted(self, accepted: object) -> None:
        self.settings_controller.on_settings_accepted(accepted)

    @property
    def settings_dialog(self) -> SettingsDialog | None:
        return self.settings_controller.dialog

    @Slot()
    def show_models(self) -> ModelsDialog:
        return self.models_dialogs.show()

    @property
    def models_dialog(self) -> ModelsDialog | None:
        return self.models_dialogs.dialog

    def welcome_if_first_run(self) -> None:
        self.welcomer.welcome_if_first_run()

    @property
    def welcome_dialog(self) -> WelcomeDialog | None:
        return self.welcomer.dialog

    @welcome_dialog.setter
    def welcome_dialog(self, dialog: WelcomeDialog | None) -> None:
        self.welcomer.dialog = dialog

    @Slot(str, int)
    def on_status_posted(self, message: str, timeout_ms: int) -> None:
        self.status.showMessage(message, timeout_ms)

    # --- sending and answers -----------------------------------------------------

    @Slot(str)
    def on_submitted(self, text: str) -> None:
        if not text.strip() or not self._can_send():
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
                    library=self.composer.library(),
                )
            else:
                preset = self.composer.chosen_preset()
                job = chat.send(
                    self._conversation_id,
                    text,
                    library=self.composer.library(),
                    system_prompt=preset.prompt if preset is not None else None,
                )
        except ConfidenteError as error:
            show_error(self, error)
            return
        if editing is not None:
            self._set_editing(None)
            self.chat_view.remove_from(editing)
        self.composer.clear()
        question = self.chat_view.add_message("user", text.strip())
        self._follow_answer(job, question)

    @Slot(object)
    def on_regenerate_requested(self, view: object) -> None:
        """A new answer to the last question, in place of `view` (the last answer)."""
        if self._conversation_id is None or not self._can_send():
            return
        try:
            job = self._services.chat.regenerate(
                self._conversation_id, library=self.composer.library()
            )
        except ConfidenteError as error:
            show_error(self, error)
            return
        self._set_editing(None)
        self.chat_view.remove_from(cast(MessageView, view))
        self._follow_answer(job, None)

    @Slot(object)
    def on_edit_requested(self, view: object) -> None:
        """Put a question back in the composer; sending replaces it and what followed."""
        message = cast(MessageView, view)
        if not self._can_send():
            return
        self._set_editing(message)
        self.composer.editor.setPlainText(message.text)
        self.composer.editor.setFocus()

    def _set_editing(self, view: MessageView | None) -> None:
        was_editing, self._editing = self._editing is not None, view
        if view is not None:
            self.status.showMessage(
                self.tr(
                    "Editing your message: send to replace it (and what followed), Esc to cancel."
                )
            )
        elif was_editing:
            self.status.clearMessage()
        self._update_actions()

    def _follow_answer(self, job: Job[ChatReply], question: MessageView | None) -> None:
        answer = self.chat_view.add_message("assistant")
        if self.model_state == "loading":
            answer.set_note(self.tr("Waiting for the model to load…"))
        bridge = self.tasks.follow(job)
        self._turn = _Turn(bridge, answer, question)
        bridge.text_changed.connect(self.on_answer_text)
        bridge.notice_received.connect(self.on_turn_notice)
        bridge.updated.connect(self.on_turn_update)
        bridge.finished.connect(self.on_answer_finished)
        bridge.failed.connect(self.on_answer_failed)
        self._update_actions()

    @Slot(str)
    def on_answer_text(self, text: str) -> None:
        if self._turn is not None and self.sender() is self._turn.bridge:
            self._turn.answer.set_note("")
            self._turn.answer.set_text(text.strip())

    @Slot(str)
    def on_turn_notice(self, message: str) -> None:
        if self._turn is not None and self.sender() is self._turn.bridge:
            self.chat_view.add_notice(message, before=self._turn.answer)
        self.status.showMessage(message, 10_000)

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
        self.status.show_speed(reply.stats)
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
        self._update_actions()

    @Slot(object)
    def on_answer_failed(self, failed: object) -> None:
        failure = cast(Failed, failed)
        turn = self._take_turn(self.sender())
        if turn is not None:
            reason = (
                str(failure.error) if failure.expected else self.tr("something went wrong inside.")
            )
            turn.answer.set_note(self.tr("No answer: {reason}").format(reason=reason))
            already_told = isinstance(failure.error, ModelError) and self.model_state == "failed"
            if not (failure.expected and (turn.stopped_by_user or already_told)):
                show_error(self, failure.error, failure.report)
        elif not failure.expected:
            show_error(self, failure.error, failure.report)
        self.refresh_conversations()  # the question was saved even if no answer came
        self._update_actions()

    @Slot()
    def on_stop(self) -> None:
        """Esc: stop the answer; with none under way, stop editing a message."""
        if self._turn is not None:
            self._turn.stopped_by_user = True
            self._turn.bridge.cancel()
            self.status.showMessage(self.tr("Stopping…"), 3000)
        elif self._editing is not None:
            self._set_editing(None)
            self.composer.clear()

    def _take_turn(self, sender: QObject | None) -> _Turn | None:
        """The current turn if `sender` is its bridge; it is then no longer current."""
        turn = self._turn
        if turn is None or sender is not turn.bridge:
            return None
        self._turn = None
        return turn

    def _leave_turn(self) -> None:
        """Stop the answer on screen: the user moved to another conversation."""
        if self._turn is not None:
            self._turn.bridge.cancel()
            self._turn = None

    def _can_send(self) -> bool:
        return self.model_state != "failed" and self._turn is None and self._opening is None

    def _update_actions(self) -> None:
        self.composer.set_sending_allowed(self._can_send(), self.loader.hint())
        self.composer.set_stop_allowed(self.busy)
        self.stop_action.setEnabled(self.busy or self._editing is not None)
        self.retry_action.setEnabled(self.model_state == "failed")
        self.chat_view.set_message_actions(self._can_send() and self._conversation_id is not None)

    # --- conversations -----------------------------------------------------------

    def refresh_conversations(self) -> None:
        self.tasks.run_in_background(
            self._services.store.list_conversations, self._show_conversations
        )

    def _show_conversations(self, conversations: list[Conversation]) -> None:
        self.panel.show_conversations(conversations, self._conversation_id)

    @Slot(int)
    def on_conversation_chosen(self, conversation_id: int) -> None:
        if conversation_id == self._conversation_id:
            return
        self._leave_turn()
        self._conversation_id = self._opening = conversation_id
        self.chat_view.clear()
        store = self._services.store
        self.tasks.run_in_background(
            lambda: (store.get_conversation(conversation_id), store.messages(conversation_id)),
            lambda opened: self._show_opened(conversation_id, *opened),
        )
        self._update_actions()

    def _show_opened(
        self, conversation_id: int, conversation: Conversation, messages: list[StoredMessage]
    ) -> None:
        if self._opening != conversation_id:
            return  # the user has moved on
        self._opening = None
        self.composer.show_system_prompt(
            conversation.system_prompt or self._services.settings.system_prompt
        )
        self.chat_view.show_messages(messages)
        self._update_actions()

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
            self.panel.save_preset(self._conversation_id, cast(Preset, chosen))

    @Slot()
    def on_new_chat(self) -> None:
        self._leave_turn()
        self._set_editing(None)
        self.composer.show_system_prompt(self._services.settings.system_prompt)
        self._conversation_id = self._opening = None
        self.chat_view.clear()
        self.panel.select(None)
        self.composer.editor.setFocus()
        self._update_actions()

    # --- documents -------------------------------------------------------------

    @property
    def source_viewer(self) -> SourceViewer | None:
        return self.documents_dock.source_viewer

    def open_source(self, source: object) -> None:
        self.documents_dock.open_source(source)

    @Slot(object)
    def on_files_dropped(self, dropped: object) -> None:
        """Models go to the models (checked first), documents to the pane's library."""
        files = cast(DroppedFiles, dropped)
        for model in files.models:
            self.models_dialogs.add_dropped(model)
        if files.documents:
            self.documents_dock.add(files.documents)

    @Slot(str)
    def on_documents_added(self, library: str) -> None:
        """Documents were just added: the next question is most likely about them."""
        if library == self.library.library and self.composer.library() is None:
            self.composer.set_answer_from_documents(True)

    # --- the rest ----------------------------------------------------------------

    @Slot(str)
    def on_notice(self, message: str) -> None:
        self.chat_view.add_notice(message)
        self.status.showMessage(message, 10_000)

    @Slot(str)
    def on_link_refused(self, url: str) -> None:
        self.status.showMessage(
            self.tr("Links are not opened from Confidente: {url}").format(url=url), 10_000
        )

    @Slot(object, str)
    def on_background_error(self, error: BaseException, report: str) -> None:
        self._opening = None
        self._update_actions()
        show_error(self, error, report)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._leave_turn()
        self.documents_dock.close_viewer()
        if self.models_dialog is not None:
            self.models_dialog.close()
        if self.settings_dialog is not None:
            self.settings_dialog.close()
        # A welcome arriving after this would be the app's only window, and keep it running.
        self.welcomer.stop()
        event.accept()

    def shutdown(self) -> None:
        """Stop all background work and close the services; call after the window closed."""
        if self._shut_down:
            return
        self._shut_down = True
        self.welcomer.stop()
        self._leave_turn()
        self.tasks.stop()  # pending store reads finish first: the store is still open
        self._services.close()  # cancels queued jobs and joins the model worker
        self.tasks.join()  # reader threads have had their jobs' last events


def run_gui(argv: list[str], model_path: str | None) -> int:
    """Open the window, load the model in the background, and run until it closes."""
    install_network_guard()
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv)
    app.setApplicationName("Confidente")
    app.setApplicationDisplayName("Confidente")
    try:
        services = (
            Services(documents_process=True, model_path=model_path)
            if model_path
            else Services(documents_process=True)
        )
    except ConfidenteError as error:
        # Referenced until the loop ends: a parentless dialog nobody holds vanishes at once.
        dialog = show_error(
            None, error, title=QCoreApplication.translate("MainWindow", "Confidente cannot start")
        )
        app.exec()  # until the dialog, the only window, is closed
        del dialog
        return 1
    apply_theme(app, services.settings.theme, services.settings.font_size)
    translators = install_translators(app, services.settings.language)
    collector = GuiThreadCollector()
    collector.start()
    window = MainWindow(services)
    reporter = ErrorReporter(window)
    reporter.install()
    window.show()
    window.load_model()
    window.welcome_if_first_run()
    try:
        return app.exec()
    finally:
        reporter.uninstall()
        window.shutdown()
        window.deleteLater()  # destroyed here, on the GUI thread, not by a collector elsewhere
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        collector.stop()
        remove_translators(app, translators)
