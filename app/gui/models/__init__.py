"""The Models window: installed and catalog models, embedding models, downloads; the
offer to re-index a library after the embedding model changed; and loading the model
the chat uses."""

from app.gui.models.controller import ModelsController
from app.gui.models.dialog import ModelsDialog
from app.gui.models.dialog_controller import ModelsDialogController
from app.gui.models.loading import ModelLoader, ModelState
from app.gui.models.reindex_offer import ReindexOffer

__all__ = [
    "ModelLoader",
    "ModelState",
    "ModelsController",
    "ModelsDialog",
    "ModelsDialogController",
    "ReindexOffer",
]
