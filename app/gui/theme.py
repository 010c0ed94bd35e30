"""Light and dark themes, and the font size, for the whole application.

"system" leaves colours to the OS: the platform's own style and palette, which
follow its light or dark scheme (and its changes) by themselves. A forced theme
uses the Fusion style, which draws both schemes well on every platform, with an
explicit palette, so it also holds where Qt cannot set the platform's scheme
(older Linux desktops, the offscreen platform); the platform is asked for the
scheme too (Qt 6.8+), so native window frames match where it can.

The style the platform chose is remembered on the application object itself
(not in a module global) the first time a theme is applied, to return to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication

SYSTEM_STYLE_PROPERTY: Final = "confidenteSystemStyle"

Role = QPalette.ColorRole
Group = QPalette.ColorGroup

# Contrast against the background they sit on: text ≥ 11:1, placeholder text and links
# ≥ 4.5:1, highlighted text on highlight ≥ 5.8:1 (WCAG AA); disabled text is dimmed on purpose.
DARK: Final[Mapping[QPalette.ColorRole, str]] = {
    Role.Window: "#2b2b2e",
    Role.WindowText: "#e8e8e8",
    Role.Base: "#1e1e20",
    Role.AlternateBase: "#29292c",
    Role.Text: "#e8e8e8",
    Role.PlaceholderText: "#9a9aa0",
    Role.Button: "#35353a",
    Role.ButtonText: "#e8e8e8",
    Role.BrightText: "#ff7b72",
    Role.ToolTipBase: "#3b3f48",
    Role.ToolTipText: "#f0f0f0",
    Role.Highlight: "#2f65ad",
    Role.HighlightedText: "#ffffff",
    Role.Link: "#79b8ff",
    Role.LinkVisited: "#c5a3ff",
    Role.Accent: "#2f65ad",
    Role.Light: "#4a4a50",
    Role.Midlight: "#3d3d42",
    Role.Mid: "#27272a",
    Role.Dark: "#1a1a1c",
    Role.Shadow: "#0c0c0d",
}
DARK_DISABLED: Final[Mapping[QPalette.ColorRole, str]] = {
    Role.WindowText: "#7d7d82",
    Role.Text: "#7d7d82",
    Role.ButtonText: "#7d7d82",
    Role.PlaceholderText: "#65656a",
    Role.Base: "#252528",
    Role.Button: "#2e2e32",
    Role.Highlight: "#45454b",
    Role.HighlightedText: "#b0b0b0",
    Role.Link: "#5a7899",
}

LIGHT: Final[Mapping[QPalette.ColorRole, str]] = {
    Role.Window: "#efefef",
    Role.WindowText: "#1b1b1b",
    Role.Base: "#ffffff",
    Role.AlternateBase: "#f4f4f5",
    Role.Text: "#1b1b1b",
    Role.PlaceholderText: "#6b6b6b",
    Role.Button: "#efefef",
    Role.ButtonText: "#1b1b1b",
    Role.BrightText: "#ffffff",
    Role.ToolTipBase: "#fff8d6",
    Role.ToolTipText: "#1b1b1b",
    Role.Highlight: "#2a62b8",
    Role.HighlightedText: "#ffffff",
    Role.Link: "#0b57d0",
    Role.LinkVisited: "#6a3ab2",
    Role.Accent: "#2a62b8",
    Role.Light: "#ffffff",
    Role.Midlight: "#f7f7f7",
    Role.Mid: "#b8b8b8",
    Role.Dark: "#9f9f9f",
    Role.Shadow: "#767676",
}
LIGHT_DISABLED: Final[Mapping[QPalette.ColorRole, str]] = {
    Role.WindowText: "#9a9a9a",
    Role.Text: "#9a9a9a",
    Role.ButtonText: "#9a9a9a",
    Role.PlaceholderText: "#b4b4b4",
    Role.Base: "#f4f4f4",
    Role.Highlight: "#c8c8c8",
    Role.HighlightedText: "#5f5f5f",
    Role.Link: "#8aa6d6",
}

_SCHEMES: Final = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}


def palette_for(theme: str) -> QPalette:
    """The explicit palette of a forced theme ("light" or "dark")."""
    colours, disabled = (DARK, DARK_DISABLED) if theme == "dark" else (LIGHT, LIGHT_DISABLED)
    palette = QPalette()
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))  # every group: active, inactive, disabled
    for role, colour in disabled.items():
        palette.setColor(Group.Disabled, role, QColor(colour))
    return palette


def system_font() -> QFont:
    """The OS's font for ordinary text, with its size."""
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont)


def apply_theme(app: QApplication, theme: str, font_size: int | None) -> None:
    """Show the whole application in `theme` ("system", "light" or "dark") with text
    of `font_size` points (None: the OS's size). Open windows change at once."""
    if theme not in ("system", *_SCHEMES):
        raise ValueError(f"unknown theme {theme!r}")
    system_style = app.property(SYSTEM_STYLE_PROPERTY)
    if not isinstance(system_style, str) or not system_style:
        system_style = app.style().name()
        app.setProperty(SYSTEM_STYLE_PROPERTY, system_style)
    hints = app.styleHints()
    if theme == "system":
        hints.unsetColorScheme()
        _set_style(app, system_style)
        app.setPalette(QPalette())  # nothing resolved: the platform's palette, as it changes
    else:
        hints.setColorScheme(_SCHEMES[theme])
        _set_style(app, "Fusion")
        app.setPalette(palette_for(theme))
    font = system_font()
    if font_size is not None:
        font.setPointSize(font_size)
    if app.font() != font:
        app.setFont(font)


def _set_style(app: QApplication, name: str) -> None:
    if app.style().name().lower() != name.lower():
        app.setStyle(name)
