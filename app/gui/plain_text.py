"""Untrusted text shown as text: names and error messages never become markup.

QLabel, QMessageBox and tooltips guess whether a string is rich text, so a file
named `<b>x</b><img src=x>.txt` (or a model name, a library name, an error
message quoting one) would be rendered as HTML, could fake the window's own
wording or ask Qt to load a resource. Every label and message box that shows
such text is made plain here; a tooltip, which cannot be told, gets text that
looks like HTML escaped inside a rich-text paragraph.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import QLabel, QMessageBox


def plain(*widgets: QLabel | QMessageBox) -> None:
    """Show these widgets' texts literally, whatever they contain."""
    for widget in widgets:
        widget.setTextFormat(Qt.TextFormat.PlainText)


def plain_label() -> QLabel:
    """A label for text that may hold untrusted names or error messages."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def plain_tooltip(text: str) -> str:
    """`text` for a tooltip that shows it literally, line breaks and all.

    Text Qt would not take for HTML is returned as it is (what screen readers and
    tests read stays the plain text); text that looks like HTML is escaped.
    """
    if not GuiQt.mightBeRichText(text):
        return text
    return f'<p style="white-space:pre-wrap">{html.escape(text, quote=False)}</p>'
