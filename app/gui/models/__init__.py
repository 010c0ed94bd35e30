"""The Models window: installed and catalog models, embedding models, downloads; and
loading the model the chat uses."""

from app.gui.models.controller import ModelsController
from app.gui.models.dialog import ModelsDialog
from app.gui.models.dialog_controller import ModelsDialogController
from app.gui.models.loading import ModelLoader, ModelState

__all__ = [
    "ModelLoader",
    "ModelState",
    "ModelsController",
    "ModelsDialog",
    "ModelsDialogController",
]
