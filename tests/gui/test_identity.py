"""The window carries Confidente's icon and belongs to the installed launcher."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from app.gui.identity import DESKTOP_FILE, ICON_SIZES, app_icon, present

LAUNCHER = Path(__file__).resolve().parents[2] / "packaging" / "linux" / f"{DESKTOP_FILE}.desktop"


def test_the_icon_has_every_size(qapp: QApplication) -> None:
    icon = app_icon()
    assert not icon.isNull()
    sizes = {size.width() for size in icon.availableSizes()}
    assert sizes == set(ICON_SIZES)


def test_present_names_the_app_and_its_launcher(qapp: QApplication) -> None:
    before = (qapp.applicationName(), qapp.desktopFileName())
    try:
        present(qapp)
        assert qapp.applicationDisplayName() == "Confidente"
        assert qapp.desktopFileName() == DESKTOP_FILE
        assert LAUNCHER.is_file(), "the launcher the desktop file name points at"
        assert set(ICON_SIZES) <= {s.width() for s in qapp.windowIcon().availableSizes()}
    finally:
        qapp.setApplicationName(before[0])
        qapp.setDesktopFileName(before[1])
