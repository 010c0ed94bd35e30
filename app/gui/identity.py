"""Who the app is to the desktop: its name, its icon, and the launcher it belongs to.

The icon is the PNG set in app/resources/icons/ (no SVG plugin needed); the desktop
file name lets Wayland and the taskbar match the window to the installed launcher
(packaging/linux/io.github.confidente.Confidente.desktop).
"""

from __future__ import annotations

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from app.core.resources import resources_dir

APP_NAME = "Confidente"
DESKTOP_FILE = "io.github.confidente.Confidente"
ICON_SIZES = (16, 32, 48, 64, 128, 256, 512)


def app_icon() -> QIcon:
    icon = QIcon()
    for size in ICON_SIZES:
        png = resources_dir() / "icons" / f"confidente-{size}.png"
        if png.is_file():
            icon.addFile(str(png))
    return icon


def present(app: QApplication) -> None:
    """Give `app` Confidente's name, icon and launcher."""
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setDesktopFileName(DESKTOP_FILE)
    app.setWindowIcon(app_icon())
