"""The window's side of models: the Models dialog, the offer to use a model just
added, and model news shown where the user is.

`ModelsController` does the work (imports, downloads, switching) and says what
happened; this decides how the user hears of it: in a box over the Models
dialog while it is open, else over the window, the chat or the status bar.

After another embedding model is chosen for new libraries, the window's
`ReindexOffer` offers to re-index the library shown in the Documents pane, if it
was indexed with another model; the pane's `LibraryController` runs that job as
it runs its own Re-index: with progress and Cancel in the pane.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from app.core.documents.records import file_name
from app.core.models.embedders import InstalledEmbedder
from app.core.models.inventory import InstalledModel
from app.core.worker import Failed
from app.gui.errors import show_error
from app.gui.models.controller import ModelsController
from app.gui.models.dialog import ModelsDialog
from app.gui.models.reindex_offer import ReindexOffer, ask


class ModelsDialogController(QObject):
    """Opens the one Models dialog over `window` and tells the user what `models` did.

    Signals:
        model_changed(): another model was chosen and saved in the settings; load it.
        status_posted(str, int): a status bar message and how long it stays, in ms
            (0: until replaced).
        notice_posted(str): a notice for the chat, where a dropped file was reported.
    """

    model_changed = Signal()
    status_posted = Signal(str, int)
    notice_posted = Signal(str)

    def __init__(self, models: ModelsController, window: QWidget) -> None:
        super().__init__(window)
        self._models = models
        self._window = window
        self.dialog: ModelsDialog | None = None
        models.model_added.connect(self.on_model_added)
        models.import_failed.connect(self.on_model_import_failed)
        models.model_switched.connect(self.on_model_switched)
        models.embedder_added.connect(self.on_embedder_added)
        models.embedders.embedder_switched.connect(self.on_embedder_switched)
        models.message_posted.connect(self.on_models_message)
        models.activity_changed.connect(self.on_models_activity)
        models.error_occurred.connect(self.on_models_error)

    @Slot()
    def show(self) -> ModelsDialog:
        """Open the Models dialog (one, reused); it reads its lists in the background."""
        if self.dialog is None:
            self.dialog = ModelsDialog(self._models, self._window)
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        return self.dialog

    def add_dropped(self, path: str) -> None:
        """A model file dropped on the window: say it is no document, check and add it."""
        self.notice_posted.emit(
            self.tr(
                "{name} is a model file, not a document, so it was not indexed: "
                "it is being checked to be added to your models."
            ).format(name=file_name(path))
        )
        self._models.add(path)

    def parent_for_boxes(self) -> QWidget:
        """Where to show a box about models: over the dialog when the user is in it."""
        dialog = self.dialog
        return dialog if dialog is not None and dialog.isVisible() else self._window

    @Slot(object, str)
    def on_model_added(self, added: object, how: str) -> None:
        """A model was imported or downloaded: offer to switch to it now."""
        model = cast(InstalledModel, added)
        if self._models.in_use(model):
            self.status_posted.emit(
                self.tr("{name} is already the model in use.").format(name=model.name), 10_000
            )
            return
        if how == "downloaded":
            offer = self.tr(
                "{name} was downloaded and is ready to use. Chat and answer with it now?"
            )
        else:
            offer = self.tr("{name} was added and is ready to use. Chat and answer with it now?")
        key, name = str(model.path), model.name
        self._offer(
            "useModelOffer",
            self.tr("Use the new model?"),
            offer.format(name=name),
            (self.tr("Use it now"), self.tr("Not now")),
            lambda: self._models.use(key, name),
        )

    @Slot(object)
    def on_embedder_added(self, added: object) -> None:
        """An embedding model was downloaded: offer to index new libraries with it."""
        embedder = cast(InstalledEmbedder, added)
        embedders = self._models.embedders
        if embedders.embedding_model() == embedder.id:
            self.status_posted.emit(
                self.tr("{name} is already the embedding model in use.").format(name=embedder.name),
                10_000,
            )
            return
        key, name = embedder.id, embedder.name
        self._offer(
            "useEmbedderOffer",
            self.tr("Use the new embedding model?"),
            self.tr(
                "{name} was downloaded and is ready. Index new libraries, and libraries "
                "you re-index, with it?"
            ).format(name=name),
            (self.tr("Use it"), self.tr("Not now")),
            lambda: embedders.use(key, name),
        )

    @Slot(object, str)
    def on_embedder_switched(self, _settings: object, name: str) -> None:
        """New libraries use another embedding model (the status bar said it): offer to
        move the library shown in the Documents pane to it, if it needs moving."""
        offer = ReindexOffer.of(self._window)
        if offer is not None:
            offer.offer(name, self.parent_for_boxes)

    def _offer(
        self,
        object_name: str,
        title: str,
        text: str,
        answers: tuple[str, str],
        on_accepted: Callable[[], object],
    ) -> QMessageBox:
        """Ask a yes-or-no question where the user is, without waiting for the answer."""
        return ask(self.parent_for_boxes(), object_name, title, text, answers, on_accepted)

    @Slot(str, object)
    def on_model_import_failed(self, path: str, failed: object) -> None:
        """Shown where the user is: in the Models dialog, else in the chat, like the drop."""
        failure = cast(Failed, failed)
        reason = str(failure.error) if failure.expected else self.tr("something went wrong inside.")
        message = self.tr("{name} was not added to your models: {reason}").format(
            name=file_name(path), reason=reason
        )
        self.status_posted.emit(message, 15_000)
        parent = self.parent_for_boxes()
        if parent is not self._window or not failure.expected:
            show_error(parent, failure.error, failure.report, title=self.tr("Model not added"))
        else:
            self.notice_posted.emit(message)

    @Slot(object)
    def on_model_switched(self, _settings: object) -> None:
        """Use saved the new model in the settings (`services.settings` is now them)."""
        self.model_changed.emit()

    @Slot(str)
    def on_models_message(self, message: str) -> None:
        self.status_posted.emit(message, 10_000)

    @Slot(str)
    def on_models_activity(self, activity: str) -> None:
        if activity:
            self.status_posted.emit(activity, 0)

    @Slot(object, str)
    def on_models_error(self, error: BaseException, report: str) -> None:
        show_error(self.parent_for_boxes(), error, report)
