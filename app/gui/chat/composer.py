"""Where the user writes: a growing text box, Send and Stop, and whether the
answer should come from a document library.

Enter sends; Shift+Enter starts a new line. The box stays editable while an
answer streams, so the next message can be written meanwhile; only sending
waits.
"""

from __future__ import annotations

from PySide6.QtCore import QSizeF, Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.core.chat.presets import PRESETS, Preset, preset_for
from app.gui.i18n import Retranslated, ui_language
from app.gui.plain_text import plain

MIN_LINES = 2
MAX_LINES = 8


class MessageBox(Retranslated, QPlainTextEdit):
    """A plain-text editor that submits on Enter.

    Signals:
        submitted(str): Enter was pressed; the text as typed (the box is not cleared).
    """

    submitted = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.document().documentLayout().documentSizeChanged.connect(self.on_size_changed)
        self.on_size_changed(QSizeF())
        self.retranslate()

    def retranslate(self) -> None:
        self.setAccessibleName(self.tr("Message"))  # the hint is the window's: it knows why

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.insertPlainText("\n")
            else:
                self.submitted.emit(self.toPlainText())
            event.accept()
            return
        super().keyPressEvent(event)

    @Slot(QSizeF)
    def on_size_changed(self, _size: QSizeF) -> None:
        """Grow with the text, from MIN_LINES to MAX_LINES lines."""
        # A plain-text layout measures its document in visual (wrapped) lines.
        shown = int(self.document().documentLayout().documentSize().height())
        lines = min(max(shown, MIN_LINES), MAX_LINES)
        margins = self.contentsMargins()
        frame = self.document().documentMargin() * 2 + margins.top() + margins.bottom()
        self.setFixedHeight(int(lines * self.fontMetrics().lineSpacing() + frame) + 2)


def preset_label(preset: Preset) -> str:
    """The preset's name in the interface's language (core holds both)."""
    return preset.label(ui_language())


class Composer(Retranslated, QWidget):
    """The message box with its Send and Stop buttons, and the documents toggle.

    Signals:
        submitted(str): the user asked to send this text (Enter or Send).
        stop_requested(): the user pressed Stop.
        preset_chosen(object): the user picked a system prompt preset (a `Preset`).
    """

    submitted = Signal(str)
    stop_requested = Signal()
    preset_chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = MessageBox()
        self.send_button = QPushButton()
        self.stop_button = QPushButton()
        self.stop_button.setEnabled(False)
        self.documents_toggle = QCheckBox()
        self.preset_box = QComboBox()
        for preset in PRESETS:
            self.preset_box.addItem("", preset)
        self.preset_box.addItem("", None)  # custom instructions
        self.preset_label = QLabel()
        plain(self.preset_label)
        self.preset_box.activated.connect(self.on_preset_activated)
        self._library = "default"
        row = QHBoxLayout()
        row.addWidget(self.editor, 1)
        row.addWidget(self.send_button, 0, Qt.AlignmentFlag.AlignBottom)
        row.addWidget(self.stop_button, 0, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 4, 12, 10)
        layout.setSpacing(4)
        options = QHBoxLayout()
        options.addWidget(self.documents_toggle)
        options.addStretch(1)
        options.addWidget(self.preset_label)
        options.addWidget(self.preset_box)
        layout.addLayout(options)
        layout.addLayout(row)
        self.editor.submitted.connect(self.submitted)
        self.send_button.clicked.connect(self.on_send_clicked)
        self.stop_button.clicked.connect(self.stop_requested)
        self.retranslate()

    def retranslate(self) -> None:
        """Every text in the interface's language, the presets' names too."""
        self.send_button.setText(self.tr("Send"))
        self.send_button.setAccessibleName(self.tr("Send"))
        self.send_button.setToolTip(self.tr("Send the message (Enter)"))
        self.stop_button.setText(self.tr("Stop"))
        self.stop_button.setAccessibleName(self.tr("Stop"))
        self.stop_button.setToolTip(self.tr("Stop the answer (Esc)"))
        self.documents_toggle.setAccessibleName(self.tr("Answer from documents"))
        self.set_library(self._library)
        self.preset_label.setText(self.tr("Assistant:"))
        self.preset_box.setAccessibleName(self.tr("Assistant's instructions for this conversation"))
        self.preset_box.setToolTip(
            self.tr("The system prompt of this conversation: what the assistant is asked to do")
        )
        for index in range(self.preset_box.count()):
            preset = self.preset_box.itemData(index)
            text = preset_label(preset) if isinstance(preset, Preset) else None
            self.preset_box.setItemText(index, text or self.tr("Custom instructions"))

    def text(self) -> str:
        return self.editor.toPlainText()

    def clear(self) -> None:
        self.editor.clear()

    def set_library(self, library: str) -> None:
        """Name the library that answers come from while the toggle is on."""
        self._library = library
        self.documents_toggle.setText(
            self.tr("Answer from documents: {library}").format(library=library)
        )
        self.documents_toggle.setToolTip(
            self.tr(
                "On: answers use only the documents of the library “{library}” and cite them. "
                "Off: a plain chat with the model."
            ).format(library=library)
        )

    def show_system_prompt(self, prompt: str | None) -> None:
        """Show which preset `prompt` is, or "Custom" for any other text."""
        preset = preset_for(prompt)
        index = self.preset_box.findData(preset) if preset is not None else -1
        self.preset_box.setCurrentIndex(index if index >= 0 else self.preset_box.count() - 1)

    def chosen_preset(self) -> Preset | None:
        data = self.preset_box.currentData()
        return data if isinstance(data, Preset) else None

    @Slot(int)
    def on_preset_activated(self, index: int) -> None:
        preset = self.preset_box.itemData(index)
        if isinstance(preset, Preset):
            self.preset_chosen.emit(preset)

    def set_answer_from_documents(self, on: bool) -> None:
        self.documents_toggle.setChecked(on)

    def library(self) -> str | None:
        """The library to answer from, or None for a plain chat."""
        return self._library if self.documents_toggle.isChecked() else None

    def set_sending_allowed(self, allowed: bool, hint: str) -> None:
        self.send_button.setEnabled(allowed)
        if hint != self.editor.placeholderText():
            self.editor.setPlaceholderText(hint)
            self.editor.viewport().update()  # an unfocused editor does not repaint it by itself

    def set_stop_allowed(self, allowed: bool) -> None:
        self.stop_button.setEnabled(allowed)

    @Slot()
    def on_send_clicked(self) -> None:
        self.submitted.emit(self.text())
        self.editor.setFocus()
