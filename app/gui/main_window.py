"""The main window: conversations on the left, the chat in the middle, documents on the right.

The model's state goes loading → ready, or loading → failed → (Retry) loading.
Sending is allowed while the model loads: the turn queues behind the load on
core's model worker, and the banner and the message box say so. After a failed
load, sending is refused until a retry succeeds. One answer streams at a time;
Stop or Esc ends it, and leaving the conversation (New chat, another
conversation) stops it too — the partial answer is kept, marked as stopped.

Files and folders dropped anywhere on the window go to the library selected in
the Documents pane; with "Answer from documents" on, questions are answered
from that library, and the answer's citations open the source viewer.

Model → Models… (Ctrl+M) opens the Models dialog: installed models, the catalog
and downloads. A dropped `.gguf` is checked and added to the models, and the
user is offered to switch to it; after a switch the model is loaded again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal, cast

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core.chat import ChatReply, SourcesFound, TurnStarted
from app.core.documents.records import Source
from app.core.engine import ModelInfo
from app.core.errors import ConfidenteError, ModelError
from app.core.models.inventory import InstalledModel
from app.core.presets import Preset
from app.core.privacy import install_network_guard
from app.core.services import Services
from app.core.settings import APPEARANCE_SETTINGS, MODEL_LOAD_SETTINGS, Settings
from app.core.storage import Conversation, StoredMessage
from app.core.worker import Failed, Job
from app.gui.chat_view import ChatView, stopped_note
from app.gui.collector import GuiThreadCollector
from app.gui.composer import Composer, preset_label
from app.gui.conversation_panel import ConversationPanel
from app.gui.document_model import file_name
from app.gui.documents_panel import DocumentsPanel
from app.gui.drops import DroppedFiles, FileDropFilter
from app.gui.errors import ErrorReporter, show_error
from app.gui.i18n import QT_TRANSLATE_NOOP, install_translators, remove_translators
from app.gui.library import LibraryController
from app.gui.message_view import MessageView
from app.gui.models_controller import ModelsController
from app.gui.models_view import ModelsDialog
from app.gui.settings_dialog import SettingsDialog, describe_effects
from app.gui.source_viewer import SourceViewer
from app.gui.status import AppStatusBar, ModelBanner
from app.gui.tasks import JobBridge, TaskManager
from app.gui.theme import apply_theme
from app.gui.welcome import WelcomeDialog, first_run

ModelState = Literal["loading", "ready", "failed"]

# Translated where shown (`MainWindow.tr`): the translators are installed after import.
HINTS: Final[Mapping[ModelState, str]] = {
    "loading": QT_TRANSLATE_NOOP(
        "MainWindow",
        "Write a message; it is sent once the model has loaded. "
        "Enter sends, Shift+Enter starts a new line.",
    ),
    "ready": QT_TRANSLATE_NOOP(
        "MainWindow", "Write a message. Enter sends, Shift+Enter starts a new line."
    ),
    "failed": QT_TRANSLATE_NOOP("MainWindow", "No model is loaded: press “Retry loading” above."),
}


@dataclass
class _Turn:
    """The answer streaming into the chat pane."""

    bridge: JobBridge
    answer: MessageView
    question: MessageView | None = None  # None when an answer is regenerated
    stopped_by_user: bool = False


class MainWindow(QMainWindow):
    """Conversations on the left, the chat in the middle, the documents on the right,
    the model's state around them."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.tasks = TaskManager(self)
        self.tasks.call_failed.connect(self.on_background_error)
        self.model_state: ModelState = "loading"
        self.model: ModelInfo | None = None
        self._conversation_id: int | None = None
        self._opening: int | None = None  # conversation whose messages are being read
        self._turn: _Turn | None = None
        self._editing: MessageView | None = None  # the question being edited in the composer
        self.welcome_dialog: WelcomeDialog | None = None
        self.settings_dialog: SettingsDialog | None = None
        self._shut_down = False
        self.source_viewer: SourceViewer | None = None
        self.models_dialog: ModelsDialog | None = None
        self.setWindowTitle("Confidente")
        self.resize(1280, 760)
        self._build_widgets()
        self._build_documents()
        self._build_models()
        self._build_actions()
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
        self.panel.conversation_renamed.connect(self.on_conversation_renamed)
        self.panel.conversation_exported.connect(self.on_conversation_exported)
        self.composer.submitted.connect(self.on_submitted)
        self.composer.stop_requested.connect(self.on_stop)
        self.composer.preset_chosen.connect(self.on_preset_chosen)
        self.composer.show_system_prompt(self._services.settings.system_prompt)
        self.banner.retry_requested.connect(self.load_model)
        self.chat_view.link_refused.connect(self.on_link_refused)
        self.chat_view.source_chosen.connect(self.open_source)
        self.chat_view.regenerate_requested.connect(self.on_regenerate_requested)
        self.chat_view.edit_requested.connect(self.on_edit_requested)
        self.composer.editor.setFocus()

    def _build_documents(self) -> None:
        self.documents_panel = DocumentsPanel()
        self.documents_dock = QDockWidget(self.tr("Documents"), self)
        self.documents_dock.setObjectName("documentsDock")
        self.documents_dock.setAccessibleName(self.tr("Documents"))
        self.documents_dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.documents_dock.setWidget(self.documents_panel)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.documents_dock)
        self.resizeDocks([self.documents_dock], [320], Qt.Orientation.Horizontal)
        self.library = LibraryController(
            self._services.documents, self.tasks, self.documents_panel, self
        )
        self.library.library_changed.connect(self.on_library_changed)
        self.library.indexing_progressed.connect(self.status.show_indexing)
        self.library.job_ended.connect(self.on_documents_job_ended)
        self.library.documents_added.connect(self.on_documents_added)
        self.library.notice_received.connect(self.on_documents_notice)
        self.composer.set_library(self.library.library)
        # Drop anywhere: on the window, and on the message box, which would paste the URL.
        self.setAcceptDrops(True)
        self.drops = FileDropFilter(self)
        self.drops.files_dropped.connect(self.on_files_dropped)
        for target in (self, self.composer.editor.viewport()):
            target.installEventFilter(self.drops)

    def _build_models(self) -> None:
        self.models = ModelsController(
            self._services.models, self.tasks, lambda: self._services.settings, self
        )
        self.models.model_added.connect(self.on_model_added)
        self.models.import_failed.connect(self.on_model_import_failed)
        self.models.model_switched.connect(self.on_model_switched)
        self.models.message_posted.connect(self.on_models_message)
        self.models.activity_changed.connect(self.on_models_activity)
        self.models.error_occurred.connect(self.on_models_error)

    def _build_actions(self) -> None:
        chat_menu = self.menuBar().addMenu(self.tr("&Chat"))
        self.new_chat_action = QAction(self.tr("&New chat"), self)
        self.new_chat_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_chat_action.triggered.connect(self.on_new_chat)
        self.stop_action = QAction(self.tr("&Stop the answer"), self)
        self.stop_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.stop_action.triggered.connect(self.on_stop)
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        self.settings_action = QAction(self.tr("Se&ttings…"), self)  # "&S" is "&Stop the answer"
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)  # macOS app menu
        self.settings_action.triggered.connect(self.show_settings)
        self.search_action = QAction(self.tr("Searc&h conversations"), self)
        self.search_action.setShortcut(QKeySequence.StandardKey.Find)  # Ctrl+F
        self.search_action.triggered.connect(self.panel.focus_search)
        chat_menu.addActions([self.new_chat_action, self.search_action, self.stop_action])
        chat_menu.addSeparator()
        chat_menu.addAction(self.settings_action)
        chat_menu.addSeparator()
        chat_menu.addAction(quit_action)
        documents_menu = self.menuBar().addMenu(self.tr("&Documents"))
        self.add_documents_action = documents_menu.addAction(self.tr("Add &files…"))
        self.add_documents_action.setShortcut(QKeySequence.StandardKey.Open)  # Ctrl+O
        self.add_documents_action.triggered.connect(self.on_add_documents)
        add_folder = documents_menu.addAction(self.tr("Add a f&older…"))
        add_folder.triggered.connect(self.documents_panel.on_add_folder_clicked)
        documents_menu.addSeparator()
        documents_menu.addAction(self.documents_dock.toggleViewAction())
        model_menu = self.menuBar().addMenu(self.tr("&Model"))
        self.models_action = QAction(self.tr("&Models…"), self)
        self.models_action.setShortcut(QKeySequence("Ctrl+M"))
        self.models_action.triggered.connect(self.show_models)
        model_menu.addAction(self.models_action)
        self.retry_action = QAction(self.tr("&Retry loading"), self)
        self.retry_action.triggered.connect(self.load_model)
        model_menu.addAction(self.retry_action)

    # --- the model ---------------------------------------------------------------

    @Slot()
    def load_model(self) -> None:
        """Queue a (re)load of the configured model; the window stays usable meanwhile."""
        self._set_model_state("loading")
        bridge = self.tasks.follow(self._services.models.load(self._services.settings))
        bridge.progress_made.connect(self.on_load_progress)
        bridge.notice_received.connect(self.on_notice)
        bridge.finished.connect(self.on_model_loaded)
        bridge.failed.connect(self.on_model_failed)

    @Slot(str, int, int)
    def on_load_progress(self, label: str, done: int, total: int) -> None:
        percent = 100 * done // total if total else 0
        self.banner.show_loading(f"{label}: {percent} %")
        self.status.show_progress(done, total)

    @Slot(object)
    def on_model_loaded(self, info: object) -> None:
        self.model = cast(ModelInfo, info)
        self._set_model_state("ready")
        self.status.show_model(self.model)
        self.status.showMessage(self.tr("{name} is ready.").format(name=self.model.name), 5000)
        if self._turn is not None:
            self._turn.answer.set_note("")

    @Slot(object)
    def on_model_failed(self, failed: object) -> None:
        failure = cast(Failed, failed)
        self.model = None
        self._set_model_state("failed", str(failure.error))
        self.status.show_model(None)
        show_error(self, failure.error, failure.report, title=self.tr("Could not load the model"))

    def _set_model_state(self, state: ModelState, error: str = "") -> None:
        self.model_state = state
        if state == "loading":
            self.banner.show_loading()
            self.status.show_loading()
        elif state == "failed":
            self.banner.show_failed(error)
        else:
            self.banner.hide()
        self._update_actions()

    def welcome_if_first_run(self) -> None:
        """On the first start of this installation, say where data lives and what to do."""
        paths = self._services.paths
        self.tasks.run_in_background(lambda: first_run(paths), self._welcome)

    def _welcome(self, first: bool) -> None:
        if first and not self._shut_down:
            self.welcome_dialog = WelcomeDialog(self._services.paths, self)
            self.welcome_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.welcome_dialog.open()

    # --- settings ------------------------------------------------------------------

    @Slot()
    def show_settings(self) -> SettingsDialog:
        """Open the Settings dialog (one, reused) on the settings in use."""
        if self.settings_dialog is None:
            self.settings_dialog = SettingsDialog(self._services.settings, self)
            self.settings_dialog.settings_accepted.connect(self.on_settings_accepted)
        else:
            self.settings_dialog.show_settings(self._services.settings)
        self.settings_dialog.open()
        return self.settings_dialog

    @Slot(object)
    def on_settings_accepted(self, accepted: object) -> None:
        """Save what changed (off the GUI thread), then act on it."""
        changes = cast(Settings, accepted).changes_since(self._services.settings)
        if changes:
            self.tasks.run_in_background(
                lambda: self._services.update_settings(**changes),
                lambda settings: self._apply_settings(settings, set(changes)),
            )

    def _apply_settings(self, settings: Settings, changed: set[str]) -> None:
        """Appearance at once, the model loaded again; answer and document values are
        read when next used."""
        if changed & APPEARANCE_SETTINGS:
            app = QApplication.instance()
            if isinstance(app, QApplication):
                apply_theme(app, settings.theme, settings.font_size)
        if changed & MODEL_LOAD_SETTINGS:
            self.load_model()  # queues behind an answer that is streaming
        effects = describe_effects(changed)
        if effects:
            self.status.showMessage(" ".join(effects), 15_000)

    # --- choosing a model -------------------------------------------------------

    @Slot()
    def show_models(self) -> ModelsDialog:
        """Open the Models dialog (one, reused); it reads its lists in the background."""
        if self.models_dialog is None:
            self.models_dialog = ModelsDialog(self.models, self)
        self.models_dialog.show()
        self.models_dialog.raise_()
        self.models_dialog.activateWindow()
        return self.models_dialog

    def _models_parent(self) -> QWidget:
        """Where to show a box about models: over the dialog when the user is in it."""
        dialog = self.models_dialog
        return dialog if dialog is not None and dialog.isVisible() else self

    @Slot(object, str)
    def on_model_added(self, added: object, how: str) -> None:
        """A model was imported or downloaded: offer to switch to it now."""
        model = cast(InstalledModel, added)
        if self.models.in_use(model):
            self.status.showMessage(
                self.tr("{name} is already the model in use.").format(name=model.name), 10_000
            )
            return
        if how == "downloaded":
            offer = self.tr(
                "{name} was downloaded and is ready to use. Chat and answer with it now?"
            )
        else:
            offer = self.tr("{name} was added and is ready to use. Chat and answer with it now?")
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Use the new model?"),
            offer.format(name=model.name),
            QMessageBox.StandardButton.NoButton,
            self._models_parent(),
        )
        box.setObjectName("useModelOffer")
        box.setAccessibleName(self.tr("Use the new model?"))
        use = box.addButton(self.tr("Use it now"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Not now"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(use)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        key = str(model.path)
        box.buttonClicked.connect(
            lambda button: self.models.use(key, model.name) if button is use else None
        )
        box.open()

    @Slot(str, object)
    def on_model_import_failed(self, path: str, failed: object) -> None:
        """Shown where the user is: in the Models dialog, else in the chat, like the drop."""
        failure = cast(Failed, failed)
        reason = str(failure.error) if failure.expected else self.tr("something went wrong inside.")
        message = self.tr("{name} was not added to your models: {reason}").format(
            name=file_name(path), reason=reason
        )
        self.status.showMessage(message, 15_000)
        parent = self._models_parent()
        if parent is not self or not failure.expected:
            show_error(parent, failure.error, failure.report, title=self.tr("Model not added"))
        else:
            self.chat_view.add_notice(message)

    @Slot(object)
    def on_model_switched(self, _settings: object) -> None:
        """Use saved the new model in the settings (`services.settings` is now them): load it."""
        self.load_model()

    @Slot(str)
    def on_models_message(self, message: str) -> None:
        self.status.showMessage(message, 10_000)

    @Slot(str)
    def on_models_activity(self, activity: str) -> None:
        if activity:
            self.status.showMessage(activity)

    @Slot(object, str)
    def on_models_error(self, error: BaseException, report: str) -> None:
        show_error(self._models_parent(), error, report)

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
        Or the passages of a document answer are chosen: the answer will cite them."""
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

    @Slot(object)
    def on_answer_finished(self, result: object) -> None:
        reply = cast(ChatReply, result)
        self.status.show_speed(reply.stats)
        turn = self._take_turn(self.sender())
        if turn is not None:
            self._conversation_id = reply.conversation_id
            turn.answer.message_id = reply.message.id
            turn.answer.set_sources(reply.sources)
            turn.answer.set_text(reply.message.content)
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
        self.composer.set_sending_allowed(self._can_send(), self.tr(HINTS[self.model_state]))
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
        self.status.showMessage(self.tr("Conversation deleted."), 5000)
        self.refresh_conversations()

    @Slot(int, str)
    def on_conversation_renamed(self, _conversation_id: int, title: str) -> None:
        self.status.showMessage(self.tr("Renamed to “{title}”.").format(title=title), 5000)
        self.refresh_conversations()

    @Slot(str)
    def on_conversation_exported(self, path: str) -> None:
        self.status.showMessage(
            self.tr("Conversation exported to {path}").format(path=path), 10_000
        )

    @Slot(object)
    def on_preset_chosen(self, chosen: object) -> None:
        """A system prompt preset for this conversation (or the next new one)."""
        preset = cast(Preset, chosen)
        conversation_id = self._conversation_id
        if conversation_id is None:
            return  # used when the first message creates the conversation
        store = self._services.store
        self.tasks.run_in_background(
            lambda: store.set_system_prompt(conversation_id, preset.prompt),
            lambda _: self.status.showMessage(
                self.tr("From the next answer: {preset}.").format(
                    preset=preset_label(preset).lower()
                ),
                10_000,
            ),
        )

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

    @Slot()
    def on_add_documents(self) -> None:
        """Ctrl+O: show the Documents pane and pick files to add to its library."""
        self.documents_dock.show()
        self.documents_panel.on_add_files_clicked()

    @Slot(object)
    def on_files_dropped(self, dropped: object) -> None:
        files = cast(DroppedFiles, dropped)
        for model in files.models:
            self.chat_view.add_notice(
                self.tr(
                    "{name} is a model file, not a document, so it was not indexed: "
                    "it is being checked to be added to your models."
                ).format(name=file_name(model))
            )
            self.models.add(model)
        if files.documents:
            self.documents_dock.show()
            self.library.add(files.documents)

    @Slot(str)
    def on_library_changed(self, library: str) -> None:
        self.composer.set_library(library)

    @Slot(str)
    def on_documents_added(self, library: str) -> None:
        """Documents were just added: the next question is most likely about them."""
        if library == self.library.library and self.composer.library() is None:
            self.composer.set_answer_from_documents(True)

    @Slot(str)
    def on_documents_job_ended(self, summary: str) -> None:
        self.status.showMessage(summary, 15_000)

    @Slot(str)
    def on_documents_notice(self, message: str) -> None:
        self.status.showMessage(message, 10_000)

    @Slot(object)
    def open_source(self, source: object) -> None:
        """Show a cited passage in the source viewer (one viewer, reused)."""
        if not isinstance(source, Source):
            return
        if self.source_viewer is None:
            self.source_viewer = SourceViewer(self._services.documents, self.tasks, self)
        self.source_viewer.show_source(source)
        self.source_viewer.show()
        self.source_viewer.raise_()
        self.source_viewer.activateWindow()

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
        if self.source_viewer is not None:
            self.source_viewer.close()
        if self.models_dialog is not None:
            self.models_dialog.close()
        if self.settings_dialog is not None:
            self.settings_dialog.close()
        event.accept()

    def shutdown(self) -> None:
        """Stop all background work and close the services; call after the window closed."""
        if self._shut_down:
            return
        self._shut_down = True
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
        services = Services(model_path=model_path) if model_path else Services()
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
