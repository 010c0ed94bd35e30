"""Settings → the Settings dialog, and acting on what the user changed.

The dialog saves nothing itself: its accepted settings are saved here, off the
GUI thread (`Services.update_settings` writes the settings file), and then
applied: the theme and the font size to the whole application, the language by
reinstalling the translators (every window then retranslates itself on its
`LanguageChange` event), a reload of the model when a loading setting changed,
and, when the embedding model changed, the offer to re-index the Documents pane's
library that the Models dialog makes too (`ReindexOffer`, made here, where the
services are). The installed embedding models the dialog offers are listed off the
GUI thread too.
"""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.core.documents.embedder import STARTER_EMBEDDER
from app.core.models.embedders import InstalledEmbedder
from app.core.services import Services
from app.core.settings import APPEARANCE_SETTINGS, MODEL_LOAD_SETTINGS, Settings
from app.gui.i18n import switch_language
from app.gui.models import ReindexOffer
from app.gui.settings.dialog import SettingsDialog, describe_effects
from app.gui.tasks import TaskManager
from app.gui.theme import apply_theme


class SettingsController(QObject):
    """Opens the one Settings dialog over `window`; saves and applies what it gives out.

    Signals:
        model_settings_changed(): a setting the model is loaded with was saved;
            the model should be loaded again.
        status_posted(str, int): what changed, for the status bar, and for how long (ms).
        erase_confirmed(): the user asked to erase all their data, and confirmed it.
    """

    model_settings_changed = Signal()
    status_posted = Signal(str, int)
    erase_confirmed = Signal()

    def __init__(self, services: Services, tasks: TaskManager, window: QWidget) -> None:
        super().__init__(window)
        self._services = services
        self._tasks = tasks
        self._window = window
        self.dialog: SettingsDialog | None = None
        self.confirmation: QMessageBox | None = None  # "Erase all your data?", while open
        self.reindex_offer = ReindexOffer(services.documents, tasks, window)
        self.reindex_offer.status_posted.connect(self.status_posted)

    @Slot()
    def show(self) -> SettingsDialog:
        """Open the Settings dialog (one, reused) on the settings in use."""
        if self.dialog is None:
            self.dialog = SettingsDialog(self._services.settings, self._window)
            self.dialog.settings_accepted.connect(self.on_settings_accepted)
            self.dialog.erase_requested.connect(self.confirm_erase)
        else:
            self.dialog.show_settings(self._services.settings)
        self.dialog.open()
        self._tasks.run_in_background(
            self._services.models.installed_embedders, self.on_embedders_listed
        )
        return self.dialog

    @Slot()
    def confirm_erase(self) -> None:
        """Ask before erasing everything; Cancel is the default."""
        box = QMessageBox(self.dialog or self._window)
        box.setObjectName("eraseConfirmation")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Erase all my data"))
        box.setText(self.tr("Erase all your Confidente data?"))
        box.setInformativeText(
            self.tr(
                "Your conversations, document libraries, settings, the models Confidente "
                "downloaded and its keys in the keychain will be deleted for good, and "
                "Confidente will close. Your own files stay where they are. This cannot be "
                "undone."
            )
        )
        erase = box.addButton(self.tr("Erase everything"), QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(lambda button: self._erase_answered(button is erase))
        self.confirmation = box
        box.open()

    def _erase_answered(self, confirmed: bool) -> None:
        self.confirmation = None
        if confirmed:
            if self.dialog is not None:
                self.dialog.close()
            self.erase_confirmed.emit()

    def on_embedders_listed(self, embedders: list[InstalledEmbedder]) -> None:
        """Offer the downloaded embedding models in the dialog (the built-in one always is)."""
        if self.dialog is not None:
            self.dialog.set_embedders([(e.id, e.name) for e in embedders if e.removable])

    @Slot(object)
    def on_settings_accepted(self, accepted: object) -> None:
        """Save what changed (off the GUI thread), then act on it."""
        services = self._services
        changes = cast(Settings, accepted).changes_since(services.settings)
        if changes:
            self._tasks.run_in_background(
                lambda: services.update_settings(**changes),
                lambda settings: self.apply(settings, set(changes)),
            )

    def apply(self, settings: Settings, changed: set[str]) -> None:
        """Appearance and language at once, the model loaded again, re-indexing offered
        for another embedding model; answer and document values are read when next used."""
        app = QApplication.instance()
        if isinstance(app, QApplication):
            if changed & APPEARANCE_SETTINGS:
                apply_theme(app, settings.theme, settings.font_size)
            if "language" in changed:
                switch_language(app, settings.language)
        if changed & MODEL_LOAD_SETTINGS:
            self.model_settings_changed.emit()  # the reload queues behind a streaming answer
        effects = describe_effects(changed)
        if effects:
            self.status_posted.emit(" ".join(effects), 15_000)
        if "embedding_model" in changed:
            self.reindex_offer.offer(self._embedder_text(settings.embedding_model), self._parent)

    def _embedder_text(self, value: str | None) -> str:
        """The embedding model `value` as the dialog lists it."""
        if self.dialog is not None:
            return self.dialog.embedder_text(value)
        return value or STARTER_EMBEDDER

    def _parent(self) -> QWidget:
        """Where to ask: over the dialog while it is open (after Apply), else the window."""
        dialog = self.dialog
        return dialog if dialog is not None and dialog.isVisible() else self._window
