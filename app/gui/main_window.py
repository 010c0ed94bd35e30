"""The main window: conversations on the left, the chat in the middle, documents on the right.

The window builds the views and wires them to the controllers that act for
them: the chat's turns and the conversation on screen (`chat.ChatController`),
the model's loading (`models.ModelLoader`), the dialogs — Settings
(`settings.SettingsController`), Models (`models.ModelsDialogController`) and
the first-run welcome (`welcome`) — and the Documents pane (`documents.DocumentsDock`).
Its menus are `window_menus`.

The model loads in the background. Sending is allowed while it loads (the turn
queues behind the load); after a failed load, sending is refused until a retry
succeeds. One answer streams at a time; Stop or Esc ends it, and leaving the
conversation stops it too.

Files and folders dropped anywhere on the window go to the library selected in
the Documents pane; with "Answer from documents" on, questions are answered
from that library, and the answer's citations open the source viewer. A dropped
`.gguf` goes to the models, not the library. Files opened with Confidente
(`confidente FILE…`, the system's "Open with") go there too, and are shown
selected in the pane (`documents.opening`). Every text is set in a
`retranslate`, run again when the language changes.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from typing import cast

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core.data_key import unlock
from app.core.erase import Erased, erase_all, system_keychain
from app.core.errors import ConfidenteError
from app.core.models.engine import ModelInfo
from app.core.paths import AppPaths, app_paths
from app.core.privacy import install_network_guard
from app.core.services import Services
from app.core.settings import load_settings
from app.gui.chat import ChatController, ChatView, Composer, ConversationPanel
from app.gui.collector import GuiThreadCollector
from app.gui.documents import DocumentOpeningApplication, DocumentsDock, SourceViewer
from app.gui.drops import DroppedFiles, FileDropFilter
from app.gui.errors import ErrorReporter, show_error
from app.gui.i18n import Retranslated, install_translators, remove_translators
from app.gui.identity import present
from app.gui.models import (
    ModelLoader,
    ModelsController,
    ModelsDialog,
    ModelsDialogController,
    ModelState,
)
from app.gui.passphrase import ask_passphrase
from app.gui.settings import SettingsController, SettingsDialog
from app.gui.status import AppStatusBar, ModelBanner
from app.gui.tasks import TaskManager
from app.gui.theme import apply_theme
from app.gui.welcome import WelcomeDialog, Welcomer
from app.gui.window_menus import WindowMenus
from app.gui.xcb_check import check_xcb


class MainWindow(Retranslated, QMainWindow):
    """Conversations on the left, the chat in the middle, the documents on the right,
    the model's state around them.

    Signals:
        data_erased(object): all the user's data was erased (an `Erased`), or erasing
            failed (the StorageError), and the user has read so; the app should quit.
    """

    data_erased = Signal(object)
    _erase_ended = Signal(object)  # from the erasing thread

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.tasks = TaskManager(self)
        self._shut_down = False
        self.setWindowTitle("Confidente")
        self.resize(1280, 760)
        self._build_widgets()
        self._build_documents()
        self._build_controllers()
        self._build_actions()
        self._connect_chat()
        # After the chat controller's own slot: it forgets a conversation it was reading.
        self.tasks.call_failed.connect(self.on_background_error)
        self.retranslate()
        for warning in services.warnings:
            self.chat_view.add_notice(warning)
        self.status.show_loading()
        self.refresh_conversations()
        self.library.start()

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

        self.panel.attach(self._services.store, self.tasks)
        self.panel.status_posted.connect(self.on_status_posted)
        self.composer.show_system_prompt(self._services.settings.system_prompt)
        self.banner.retry_requested.connect(self.load_model)
        self.chat_view.link_refused.connect(self.on_link_refused)
        self.composer.editor.setFocus()

    def _build_documents(self) -> None:
        self.documents_dock = DocumentsDock(
            self._services.documents, self.tasks, self, self._services.tasks
        )
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
        """The model's loading, the chat's turns, and the dialogs' controllers: settings,
        models, welcome."""
        services = self._services
        self.loader = ModelLoader(services, self.tasks, self.banner, self.status, self)
        self.loader.notice_received.connect(self.on_notice)
        self.chat_controller = ChatController(
            services,
            self.tasks,
            self.loader,
            chat_view=self.chat_view,
            composer=self.composer,
            panel=self.panel,
            status=self.status,
            window=self,
        )
        self.models = ModelsController(services.models, self.tasks, lambda: services.settings, self)
        self.models_dialogs = ModelsDialogController(self.models, self)
        self.models_dialogs.model_changed.connect(self.load_model)
        self.models_dialogs.status_posted.connect(self.on_status_posted)
        self.models_dialogs.notice_posted.connect(self.chat_view.add_notice)
        self.settings_controller = SettingsController(services, self.tasks, self)
        self.settings_controller.model_settings_changed.connect(self.load_model)
        self.settings_controller.status_posted.connect(self.on_status_posted)
        self.settings_controller.erase_confirmed.connect(self.erase_all_data)
        self._erase_ended.connect(self._on_erase_ended)
        self.welcomer = Welcomer(services.paths, self.tasks, self)

    def _build_actions(self) -> None:
        self.menus = WindowMenus(self, self.documents_dock.toggleViewAction())
        self.new_chat_action = self.menus.new_chat_action
        self.search_action = self.menus.search_action
        self.search_action.triggered.connect(self.panel.focus_search)
        self.stop_action = self.menus.stop_action
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

    def _connect_chat(self) -> None:
        """What the user does in the chat, the conversation list and the Chat menu, to
        the chat controller; what it allows, to the window's actions."""
        chat = self.chat_controller
        self.composer.submitted.connect(chat.on_submitted)
        self.composer.stop_requested.connect(chat.on_stop)
        self.composer.preset_chosen.connect(chat.on_preset_chosen)
        self.chat_view.regenerate_requested.connect(chat.on_regenerate_requested)
        self.chat_view.edit_requested.connect(chat.on_edit_requested)
        self.panel.conversation_chosen.connect(chat.on_conversation_chosen)
        self.panel.new_chat_requested.connect(chat.on_new_chat)
        self.panel.conversation_deleted.connect(chat.on_conversation_deleted)
        self.panel.conversation_renamed.connect(lambda *_: chat.refresh_conversations())
        self.new_chat_action.triggered.connect(chat.on_new_chat)
        self.stop_action.triggered.connect(chat.on_stop)
        chat.actions_changed.connect(self.on_chat_actions_changed)
        self.documents_dock.document_tasks.result_ready.connect(chat.keep_result)

    def retranslate(self) -> None:
        """The window's own texts in the interface's language; its panels retranslate
        themselves on the same `LanguageChange` event."""
        self.menus.retranslate()
        self.chat_controller.update_actions()  # the composer's hint

    @Slot()
    def on_chat_actions_changed(self) -> None:
        chat = self.chat_controller
        self.stop_action.setEnabled(chat.busy or chat.editing)
        self.retry_action.setEnabled(self.model_state == "failed")

    # --- the chat: its controller's, here for tests and scripts ---------------------

    @property
    def conversation_id(self) -> int | None:
        """The conversation on screen, which the next message continues (None: a new one)."""
        return self.chat_controller.conversation_id

    @property
    def busy(self) -> bool:
        """An answer is streaming."""
        return self.chat_controller.busy

    def on_submitted(self, text: str) -> None:
        self.chat_controller.on_submitted(text)

    def on_conversation_chosen(self, conversation_id: int) -> None:
        self.chat_controller.on_conversation_chosen(conversation_id)

    def on_new_chat(self) -> None:
        self.chat_controller.on_new_chat()

    def refresh_conversations(self) -> None:
        self.chat_controller.refresh_conversations()

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

    @Slot(list)
    def open_files(self, paths: list[str]) -> None:
        """Files opened with Confidente: the window comes to the front, and the files go
        to the Documents pane's library, shown there once added."""
        if self.isMinimized():
            self.showNormal()
        self.raise_()
        self.activateWindow()
        self.documents_dock.open_files(paths)

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
        show_error(self, error, report)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.chat_controller.leave_turn()
        self.documents_dock.close_viewer()
        if self.models_dialog is not None:
            self.models_dialog.close()
        if self.settings_dialog is not None:
            self.settings_dialog.close()
        # A welcome arriving after this would be the app's only window, and keep it running.
        self.welcomer.stop()
        event.accept()

    @Slot()
    def erase_all_data(self) -> None:
        """Close everything that holds the data open, then erase it all off the GUI thread
        (`confidente erase --all`'s service), say how it went, and ask to quit."""
        paths = self._services.paths
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.setQuitOnLastWindowClosed(False)  # not before the data is gone: `data_erased`
        self.close()
        self.shutdown()
        self._eraser = threading.Thread(
            target=self._erase, args=(paths,), name="confidente-erase", daemon=True
        )
        self._eraser.start()

    def _erase(self, paths: AppPaths) -> None:
        result: Erased | ConfidenteError
        try:
            result = erase_all(paths, system_keychain())
        except ConfidenteError as exc:
            result = exc
        self._erase_ended.emit(result)

    @Slot(object)
    def _on_erase_ended(self, result: object) -> None:
        if isinstance(result, ConfidenteError):
            box = show_error(None, result, title=self.tr("Not everything could be erased"))
        else:
            box = QMessageBox(QMessageBox.Icon.Information, "Confidente", "")
            box.setText(self.tr("All your Confidente data was erased. Confidente will now close."))
            box.open()
        box.setObjectName("erasedMessage")
        box.finished.connect(lambda _: self.data_erased.emit(result))
        self.erased_message = box

    def shutdown(self) -> None:
        """Stop all background work and close the services; call after the window closed."""
        if self._shut_down:
            return
        self._shut_down = True
        self.welcomer.stop()
        self.chat_controller.leave_turn()
        self.tasks.stop()  # pending store reads finish first: the store is still open
        self._services.close()  # cancels queued jobs and joins the model worker
        self.tasks.join()  # reader threads have had their jobs' last events


def run_gui(
    argv: list[str],
    model_path: str | None,
    *,
    self_test: bool = False,
    files: Sequence[str] = (),
) -> int:
    """Open the window, load the model in the background, and run until it closes.

    `files` (absolute paths) are added to the Documents pane's library and shown
    there, as are files the system opens with the app later (macOS). With
    `self_test`, run `confidente --self-test` instead (app/gui/self_test.py).
    """
    install_network_guard()
    if self_test:
        from app.gui.self_test import run_self_test

        return run_self_test(argv, model_path)
    problem = check_xcb()  # before Qt aborts with a message that names no package
    if problem:
        print(f"confidente: {problem}", file=sys.stderr)
        return 1
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else DocumentOpeningApplication(argv)
    present(app)
    paths = app_paths().ensure()
    # In the user's language from the start: the passphrase may be asked before the window.
    translators = install_translators(app, load_settings(paths.settings_file).settings.language)
    try:
        key = unlock(paths, ask_passphrase)  # the keychain, or a passphrase asked for once
        overrides = {"model_path": model_path} if model_path else {}
        services = Services(paths, documents_process=True, key=key, **overrides)
    except ConfidenteError as error:
        # Referenced until the loop ends: a parentless dialog nobody holds vanishes at once.
        dialog = show_error(
            None, error, title=QCoreApplication.translate("MainWindow", "Confidente cannot start")
        )
        app.exec()  # until the dialog, the only window, is closed
        del dialog
        remove_translators(app, translators)
        return 1
    apply_theme(app, services.settings.theme, services.settings.font_size)
    collector = GuiThreadCollector()
    collector.start()
    window = MainWindow(services)
    reporter = ErrorReporter(window)
    reporter.install()
    window.data_erased.connect(app.quit)
    window.show()
    window.load_model()
    if files:
        window.open_files(list(files))
    if isinstance(app, DocumentOpeningApplication):
        app.send_files_to(window.open_files)
    window.welcome_if_first_run()
    try:
        return app.exec()
    finally:
        if isinstance(app, DocumentOpeningApplication):
            app.send_files_to(None)
        reporter.uninstall()
        window.shutdown()
        window.deleteLater()  # destroyed here, on the GUI thread, not by a collector elsewhere
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        collector.stop()
        remove_translators(app, translators)
