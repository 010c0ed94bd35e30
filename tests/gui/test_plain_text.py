"""Untrusted names and error texts are shown literally, never as markup."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel, QMessageBox

from app.core.documents.records import IndexedFile, IngestProgress
from app.core.errors import ConfidenteError
from app.gui.documents.document_model import DocumentListModel
from app.gui.documents.panel import IngestProgressBox
from app.gui.errors import show_error

NAME = "<b>bold<img src=x>.txt"  # a valid file name (no slash) that looks like HTML
PATH = f"/home/someone/{NAME}"


def _shown_as_tooltip(tip: str) -> str:
    """What a tooltip displays: Qt renders a tooltip that looks like HTML as HTML."""
    if not GuiQt.mightBeRichText(tip):
        return tip
    document = QTextDocument()
    document.setHtml(tip)
    return document.toPlainText()


def test_a_file_name_in_the_documents_pane_is_plain_text(qtbot: Any) -> None:
    box = IngestProgressBox()
    qtbot.addWidget(box)
    box.show_progress(IngestProgress(PATH, 0, 1, 0, 0.0, "reading"))
    assert box.file_label.textFormat() == Qt.TextFormat.PlainText
    assert box.file_label.text().startswith(NAME)
    assert _shown_as_tooltip(box.file_label.toolTip()) == PATH

    model = DocumentListModel()
    model.set_files([IndexedFile(PATH, "failed", "Could not read it.", 0, 0, 0, 0.0)])
    tip = model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert _shown_as_tooltip(tip).startswith(PATH)


def test_an_error_quoting_a_file_name_is_plain_text(qtbot: Any) -> None:
    message = f"{NAME} could not be read."
    box = show_error(None, ConfidenteError(message))
    qtbot.addWidget(box)
    assert box.textFormat() == Qt.TextFormat.PlainText
    label = box.findChild(QLabel, "qt_msgbox_label")
    assert label is not None
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert label.text() == message
    box.done(QMessageBox.StandardButton.Close)
