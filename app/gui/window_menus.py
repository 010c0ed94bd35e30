"""The main window's menu bar: Chat, Documents and Model, and their actions.

The actions belong to the window (their shortcuts work anywhere in it); the
window connects them to what they do. Every text is set in `retranslate`,
called at construction and again when the interface's language changes.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow


class WindowMenus(QObject):
    """The menus of `window`, the Documents pane's show/hide action among them."""

    def __init__(self, window: QMainWindow, documents_view_action: QAction) -> None:
        super().__init__(window)
        bar = window.menuBar()
        self.chat_menu = bar.addMenu("")
        self.new_chat_action = QAction(window)
        self.new_chat_action.setShortcut(QKeySequence.StandardKey.New)
        self.search_action = QAction(window)
        self.search_action.setShortcut(QKeySequence.StandardKey.Find)  # Ctrl+F
        self.stop_action = QAction(window)
        self.stop_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.settings_action = QAction(window)
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)  # macOS app menu
        self.quit_action = QAction(window)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.chat_menu.addActions([self.new_chat_action, self.search_action, self.stop_action])
        self.chat_menu.addSeparator()
        self.chat_menu.addAction(self.settings_action)
        self.chat_menu.addSeparator()
        self.chat_menu.addAction(self.quit_action)

        self.documents_menu = bar.addMenu("")
        self.add_documents_action = QAction(window)
        self.add_documents_action.setShortcut(QKeySequence.StandardKey.Open)  # Ctrl+O
        self.add_folder_action = QAction(window)
        self.documents_menu.addActions([self.add_documents_action, self.add_folder_action])
        self.documents_menu.addSeparator()
        self.documents_menu.addAction(documents_view_action)  # named after the pane's title

        self.model_menu = bar.addMenu("")
        self.models_action = QAction(window)
        self.models_action.setShortcut(QKeySequence("Ctrl+M"))
        self.retry_action = QAction(window)
        self.model_menu.addActions([self.models_action, self.retry_action])
        self.retranslate()

    def retranslate(self) -> None:
        """Set every menu's and action's text in the interface's language."""
        self.chat_menu.setTitle(self.tr("&Chat"))
        self.new_chat_action.setText(self.tr("&New chat"))
        self.search_action.setText(self.tr("Searc&h conversations"))
        self.stop_action.setText(self.tr("&Stop the answer"))
        self.settings_action.setText(self.tr("Se&ttings…"))  # "&S" is "&Stop the answer"
        self.quit_action.setText(self.tr("&Quit"))
        self.documents_menu.setTitle(self.tr("&Documents"))
        self.add_documents_action.setText(self.tr("Add &files…"))
        self.add_folder_action.setText(self.tr("Add a f&older…"))
        self.model_menu.setTitle(self.tr("&Model"))
        self.models_action.setText(self.tr("&Models…"))
        self.retry_action.setText(self.tr("&Retry loading"))
