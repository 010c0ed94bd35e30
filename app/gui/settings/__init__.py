"""The Settings dialog and its controller."""

from app.gui.settings.controller import SettingsController
from app.gui.settings.dialog import SettingsDialog

__all__ = ["SettingsController", "SettingsDialog"]
