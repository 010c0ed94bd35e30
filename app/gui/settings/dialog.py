"""The Settings dialog: model, answers, documents and appearance on four tabs.

It edits a copy of the settings and saves nothing: OK or Apply validates the
values through `Settings.updated` and emits `settings_accepted` with the new
settings, leaving saving (`Services.update_settings`) and acting on the change
to the window. A refused combination (e.g. more tokens per answer than the
context holds) is explained in the dialog, which stays open with everything
the user typed. Each tab says when its values take effect; `describe_effects`
says it again after a change, for the status bar. The embedding model is one of
those installed or, with "Choose a folder…", a sentence-transformers folder of the
user's, checked by its files when chosen.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Final

from PySide6.QtCore import QCoreApplication, QSize, Qt, Signal, Slot
from PySide6.QtGui import QAccessible, QAccessibleEvent, QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.documents.embedder import (
    EmbeddingError,
    embedder_location,
    embedding_model_for_folder,
    is_starter,
)
from app.core.errors import ConfidenteError, SettingsError
from app.core.models.hardware import physical_cores
from app.core.settings import (
    APPEARANCE_SETTINGS,
    INDEXING_SETTINGS,
    MODEL_LOAD_SETTINGS,
    NEXT_START_SETTINGS,
    InvalidSettingError,
    Settings,
    int_limits,
)
from app.gui.errors import show_error
from app.gui.i18n import QT_TRANSLATE_NOOP, Retranslated
from app.gui.plain_text import plain_label
from app.gui.settings.widgets import (
    AutoSpinBox,
    Field,
    auto_field,
    combo_box,
    combo_field,
    decimal_box,
    float_field,
    int_field,
    note_label,
    settings_page,
    spin_box,
    tab_of,
)
from app.gui.theme import system_font

# The English texts; each is translated where it is shown (`SettingsDialog.tr`).
STARTER_MODEL_TEXT: Final = QT_TRANSLATE_NOOP("SettingsDialog", "The starter model (Gemma 3 270M)")
STARTER_EMBEDDER_TEXT: Final = QT_TRANSLATE_NOOP("SettingsDialog", "Built in (all-MiniLM-L6-v2)")
FOLLOW_SYSTEM_TEXT: Final = QT_TRANSLATE_NOOP("SettingsDialog", "Follow the system")
THEME_CHOICES: Final = (
    (FOLLOW_SYSTEM_TEXT, "system"),
    (QT_TRANSLATE_NOOP("SettingsDialog", "Light"), "light"),
    (QT_TRANSLATE_NOOP("SettingsDialog", "Dark"), "dark"),
)
# Each language is named in itself, whatever the interface's language.
LANGUAGE_CHOICES: Final = ((FOLLOW_SYSTEM_TEXT, "system"), ("English", "en"), ("Español", "es"))

MODEL_NOTE: Final = QT_TRANSLATE_NOOP(
    "SettingsDialog", "Changing these loads the model again when you press OK or Apply."
)
ANSWERS_NOTE: Final = QT_TRANSLATE_NOOP("SettingsDialog", "These apply from the next answer.")
DOCUMENTS_NOTE: Final = QT_TRANSLATE_NOOP(
    "SettingsDialog",
    "These apply to documents indexed from now on. To apply them to files already in a "
    "library, press Re-index in the Documents pane.",
)
APPEARANCE_NOTE: Final = QT_TRANSLATE_NOOP(
    "SettingsDialog",
    "The theme, the language and the font size change at once.",
)
PROBLEM_PREFIX: Final = QT_TRANSLATE_NOOP("SettingsDialog", "Not saved: ")


def _tr(text: str) -> str:
    """A text marked with QT_TRANSLATE_NOOP("SettingsDialog", …), translated now."""
    return QCoreApplication.translate("SettingsDialog", text)


def describe_effects(changed: Iterable[str]) -> list[str]:
    """What the user should be told after these settings changed, in a few sentences."""
    names = set(changed)
    effects = []
    if names & MODEL_LOAD_SETTINGS:
        effects.append(
            QCoreApplication.translate(
                "SettingsDialog", "The model is loading again with the new settings."
            )
        )
    if names & INDEXING_SETTINGS:
        effects.append(
            QCoreApplication.translate(
                "SettingsDialog",
                "The new document settings apply to files indexed from now on; "
                "re-index a library to apply them to its files.",
            )
        )
    # The language, like the appearance, changes at once (`SettingsController.apply`): that
    # is the whole effect. NEXT_START_SETTINGS holds nothing else.
    if names - MODEL_LOAD_SETTINGS - INDEXING_SETTINGS - NEXT_START_SETTINGS - APPEARANCE_SETTINGS:
        effects.append(
            QCoreApplication.translate(
                "SettingsDialog", "The new answer settings apply from the next answer."
            )
        )
    return effects


class SettingsDialog(Retranslated, QDialog):
    """Model, answers, documents and appearance settings, checked before they are given out.

    Signals:
        settings_accepted(object): OK or Apply was pressed with changed, valid values;
            the new `Settings`. The receiver saves and applies them.
        erase_requested(): "Erase all my data…" was pressed; the receiver asks first.
    """

    settings_accepted = Signal(object)
    erase_requested = Signal()

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self._settings = settings  # what changes are made to
        self._shown: dict[str, Any] = {}  # the controls' values when last shown or given out
        self.fields: dict[str, Field] = {}  # setting name: its control
        self.labels: dict[str, str] = {}  # setting name: its label, as the user sees it
        self._label_widgets: dict[str, QLabel] = {}
        self.tabs = QTabWidget()
        for page in (
            self._model_page(),
            self._answers_page(),
            self._documents_page(),
            self._appearance_page(),
            self._privacy_page(),
        ):
            self.tabs.addTab(page, "")
        self.problem_label = plain_label()  # the message may quote a path or a model's name
        self.problem_label.setObjectName("settingsProblem")
        self.problem_label.setWordWrap(True)
        self.problem_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem_label.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Apply
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Apply)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.defaults_button = self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        self.ok_button.clicked.connect(self.on_ok_clicked)
        self.apply_button.clicked.connect(self.on_apply_clicked)
        self.cancel_button.clicked.connect(self.reject)
        self.defaults_button.clicked.connect(self.on_restore_defaults_clicked)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        self.retranslate()
        self.show_settings(settings)
        self.resize(_COMFORTABLE_SIZE.expandedTo(self.sizeHint()).boundedTo(_MAX_SIZE))

    @property
    def settings(self) -> Settings:
        """The settings the dialog started from, or last gave out with Apply."""
        return self._settings

    # --- pages ------------------------------------------------------------------------------

    def _model_page(self) -> QWidget:
        self.model_file = QLineEdit()
        self.model_file.setReadOnly(True)
        self._model_file_label = QLabel()
        self._model_file_label.setBuddy(self.model_file)
        self._choose_note = QLabel()
        self._choose_note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._gpu = AutoSpinBox(*int_limits("gpu_layers"))  # -1 is "All", a word of its own
        self._context = spin_box("context_length", step=512)
        self._threads = AutoSpinBox(*int_limits("threads"))
        form = QFormLayout()
        form.addRow(self._model_file_label, self.model_file)
        form.addRow("", self._choose_note)
        self._add(form, "gpu_layers", auto_field(self._gpu))
        self._add(form, "context_length", int_field(self._context))
        self._add(form, "threads", auto_field(self._threads))
        self._model_note = note_label()
        return settings_page(form, self._model_note)

    def _answers_page(self) -> QWidget:
        self._temperature = decimal_box("temperature")
        self._top_p = decimal_box("top_p")
        self._penalty = decimal_box("repeat_penalty")
        self._max_tokens = spin_box("max_tokens", step=64)
        self._sources = spin_box("sources", step=1)
        form = QFormLayout()
        self._add(form, "temperature", float_field(self._temperature))
        self._add(form, "top_p", float_field(self._top_p))
        self._add(form, "repeat_penalty", float_field(self._penalty))
        self._add(form, "max_tokens", int_field(self._max_tokens))
        self._add(form, "sources", int_field(self._sources))
        self._answers_note = note_label()
        return settings_page(form, self._answers_note)

    def _documents_page(self) -> QWidget:
        # The installed embedding models, listed off the GUI thread by whoever opens the
        # dialog (`set_embedders`); until then the built-in one and the one in the settings.
        self.embedder_combo = QComboBox()
        self.embedder_combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._embedders: list[tuple[str, str]] = []  # (id, name) of the downloaded ones
        # A sentence-transformers model in a folder of the user's, beside those listed.
        self.embedder_folder_button = QPushButton()
        self.embedder_folder_button.clicked.connect(self.on_choose_embedder_folder)
        embedder_row = QWidget()
        row_layout = QHBoxLayout(embedder_row)
        row_layout.setContentsMargins(0, 0, 0, 0)
        row_layout.addWidget(self.embedder_combo, 1)
        row_layout.addWidget(self.embedder_folder_button)
        self._embedder_note = QLabel()
        self._embedder_note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._chunk_size = spin_box("chunk_size", step=100)
        self._overlap = spin_box("chunk_overlap", step=50)
        embedder = Field(
            self.embedder_combo,
            self.embedder_combo.currentData,
            self._show_embedder,
            self.embedder_combo.currentIndexChanged,
        )
        form = QFormLayout()
        self._add(form, "embedding_model", embedder, embedder_row)
        form.addRow("", self._embedder_note)
        self._add(form, "chunk_size", int_field(self._chunk_size))
        self._add(form, "chunk_overlap", int_field(self._overlap))
        self._documents_note = note_label()
        return settings_page(form, self._documents_note)

    def _appearance_page(self) -> QWidget:
        self._theme = combo_box(THEME_CHOICES)
        self._language = combo_box(LANGUAGE_CHOICES)
        self._font_size = AutoSpinBox(*int_limits("font_size"))
        self._font_size.setSuffix(" pt")
        form = QFormLayout()
        self._add(form, "theme", combo_field(self._theme))
        self._add(form, "language", combo_field(self._language))
        self._add(form, "font_size", auto_field(self._font_size))
        self._appearance_note = note_label()
        return settings_page(form, self._appearance_note)

    def _privacy_page(self) -> QWidget:
        self._privacy_text = QLabel()
        self._privacy_text.setWordWrap(True)
        self.erase_button = QPushButton()
        self.erase_button.setObjectName("eraseDataButton")
        self.erase_button.clicked.connect(self.erase_requested)
        self._erase_note = note_label()
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self._privacy_text)
        row = QHBoxLayout()
        row.addWidget(self.erase_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self._erase_note)
        layout.addStretch(1)
        return page

    # --- texts ------------------------------------------------------------------------------

    def retranslate(self) -> None:
        """Every text in the interface's language. The dialog can stay open across a
        change of language (Apply), so none is set anywhere else."""
        self.setWindowTitle(self.tr("Settings"))
        self.setAccessibleName(self.tr("Settings"))
        self.tabs.setAccessibleName(self.tr("Settings pages"))
        for index, title in enumerate(
            (
                self.tr("&Model"),
                self.tr("A&nswers"),
                self.tr("&Documents"),
                self.tr("Appea&rance"),
                self.tr("&Privacy"),
            )
        ):
            self.tabs.setTabText(index, title)
        self.problem_label.setAccessibleName(self.tr("Problem"))
        for button, name, tip in (
            (self.ok_button, self.tr("OK"), self.tr("Use the new settings and close")),
            (
                self.apply_button,
                self.tr("Apply"),
                self.tr("Use the new settings and keep this window open"),
            ),
            (self.cancel_button, self.tr("Cancel"), self.tr("Close without changing anything")),
            (
                self.defaults_button,
                self.tr("Restore defaults"),
                self.tr(
                    "Put every value on every page back to its default (the model stays); "
                    "nothing changes until you press OK or Apply"
                ),
            ),
        ):
            button.setAccessibleName(name)
            button.setToolTip(tip)
        self._retranslate_model_page()
        self._retranslate_answers_page()
        self._retranslate_documents_page()
        self._retranslate_appearance_page()
        self._retranslate_privacy_page()

    def _retranslate_privacy_page(self) -> None:
        self._privacy_text.setText(
            self.tr(
                "Your conversations and documents are stored encrypted on this computer "
                "(AES-256), with the key in your system's keychain or made from your "
                "passphrase. Nothing is sent anywhere."
            )
        )
        self.erase_button.setText(self.tr("&Erase all my data…"))
        self.erase_button.setAccessibleName(self.tr("Erase all my data"))
        self._erase_note.setText(
            self.tr(
                "Deletes your conversations, libraries, settings, the models Confidente "
                "downloaded and the keys it keeps in the keychain, then closes Confidente. "
                "Your own files are not touched."
            )
        )

    def _retranslate_model_page(self) -> None:
        self.model_file.setAccessibleName(self.tr("Model file"))
        self._model_file_label.setText(self.tr("Model &file:"))
        self._choose_note.setText(self.tr("Choose models in Model → Models… (Ctrl+M)."))
        self._gpu.set_words(self.tr("Auto"), {-1: self.tr("All", "GPU layers")})
        self._gpu.setToolTip(
            self.tr(
                "Layers of the model run on the graphics card. Auto: as many as fit in its free "
                "memory (none without a supported GPU). All: every layer. 0: the processor only."
            )
        )
        self._context.setSuffix(self.tr(" tokens"))
        self._context.setToolTip(
            self.tr(
                "How much text the model keeps in mind: the conversation, document excerpts and "
                "the answer. More needs more memory."
            )
        )
        self._threads.set_words(self.tr("Auto (%n cores)", "", physical_cores()))
        self._threads.setToolTip(
            self.tr("Processor threads used by the model. Auto: one per physical core.")
        )
        self._label("gpu_layers", self.tr("&GPU layers:"))
        self._label("context_length", self.tr("Conte&xt length:"))
        self._label("threads", self.tr("&Threads:"))
        self._model_note.setText(self.tr(MODEL_NOTE))
        self._show_model_file()

    def _retranslate_answers_page(self) -> None:
        self._temperature.setToolTip(
            self.tr("Lower: steadier, more literal answers. Higher: more varied.")
        )
        self._top_p.setToolTip(
            self.tr("Only the likeliest words that together reach this share are used.")
        )
        self._penalty.setToolTip(
            self.tr("Above 1, the model is discouraged from repeating itself.")
        )
        self._max_tokens.setSuffix(self.tr(" tokens"))
        self._max_tokens.setToolTip(
            self.tr(
                "The longest answer, in tokens (about ¾ of a word each); less than the context."
            )
        )
        self._sources.setToolTip(
            self.tr("Excerpts from your documents given to the model for each answer.")
        )
        self._label("temperature", self.tr("&Temperature:"))
        self._label("top_p", self.tr("Top-&p:"))
        self._label("repeat_penalty", self.tr("Repeat pena&lty:"))
        self._label("max_tokens", self.tr("Ma&x tokens per answer:"))
        self._label("sources", self.tr("&Sources per document answer:"))
        self._answers_note.setText(self.tr(ANSWERS_NOTE))

    def _retranslate_documents_page(self) -> None:
        self.embedder_combo.setItemText(0, self.tr(STARTER_EMBEDDER_TEXT))
        self.embedder_combo.setToolTip(
            self.tr("The model that indexes documents, in new libraries and libraries you re-index")
        )
        self._embedder_note.setText(
            self.tr("Download embedding models in Model → Models… (Ctrl+M).")
        )
        self.embedder_folder_button.setText(self.tr("Choose a &folder…"))
        self.embedder_folder_button.setAccessibleName(self.tr("Choose a folder"))
        self.embedder_folder_button.setToolTip(
            self.tr("Use a sentence-transformers model from a folder on your computer")
        )
        self._chunk_size.setSuffix(self.tr(" characters"))
        self._chunk_size.setToolTip(
            self.tr("How long the passages are that documents are cut into.")
        )
        self._overlap.setSuffix(self.tr(" characters"))
        self._overlap.setToolTip(
            self.tr("Text repeated between neighbouring passages; at most half a passage.")
        )
        self._label("embedding_model", self.tr("&Embedding model:"))
        self._label("chunk_size", self.tr("Chunk si&ze:"))
        self._label("chunk_overlap", self.tr("Chunk o&verlap:"))
        self._documents_note.setText(self.tr(DOCUMENTS_NOTE))

    def _retranslate_appearance_page(self) -> None:
        for combo in (self._theme, self._language):
            for index, (text, _value) in enumerate(
                THEME_CHOICES if combo is self._theme else LANGUAGE_CHOICES
            ):
                combo.setItemText(index, _tr(text))
        self._theme.setToolTip(self.tr("Light or dark colours, or the same as the system's"))
        self._language.setToolTip(self.tr("The language of menus and messages"))
        default_size = system_font().pointSize()
        self._font_size.set_words(
            self.tr("Auto ({size} pt)").format(size=default_size)
            if default_size > 0
            else self.tr("Auto")
        )
        self._font_size.setToolTip(self.tr("The size of text everywhere in Confidente, in points"))
        self._label("theme", self.tr("&Theme:"))
        self._label("language", self.tr("&Language:"))
        self._label("font_size", self.tr("&Font size:"))
        self._appearance_note.setText(self.tr(APPEARANCE_NOTE))

    def _label(self, name: str, text: str) -> None:
        """A setting's label, and its control's name for assistive tools."""
        self.labels[name] = text.replace("&", "").rstrip(":")
        self._label_widgets[name].setText(text)
        self.fields[name].widget.setAccessibleName(self.labels[name])

    def _show_model_file(self) -> None:
        path = self._settings.model_path
        self.model_file.setText(path or self.tr(STARTER_MODEL_TEXT))
        self.model_file.setToolTip(path or self.tr(STARTER_MODEL_TEXT))
        self.model_file.setCursorPosition(0)

    def set_embedders(self, embedders: Sequence[tuple[str, str]]) -> None:
        """Offer these downloaded embedding models, (id, name) each, beside the built-in
        one; the one chosen stays chosen."""
        self._embedders = list(embedders)
        self._show_embedder(self.embedder_combo.currentData())

    def embedder_text(self, value: str | None) -> str:
        """How the embedding model `value` (a setting's value) is listed here."""
        if is_starter(value):
            return self.tr(STARTER_EMBEDDER_TEXT)
        index = self.embedder_combo.findData(value)
        return self.embedder_combo.itemText(index) if index >= 0 else str(value)

    @Slot()
    def on_choose_embedder_folder(self) -> None:
        """Pick a folder; if it holds a sentence-transformers model, choose it (an edit,
        saved with OK or Apply); else say why, and change nothing.

        The check runs here, on the GUI thread, because it is cheap: it looks for a few
        file names and reads modules.json (`embedding_model_for_folder`). The model is
        loaded only when a library is indexed with it, in the index process.
        """
        current = self.embedder_combo.currentData()
        start = current if current is not None and Path(current).is_absolute() else ""
        chosen = QFileDialog.getExistingDirectory(
            self, self.tr("Choose the folder of an embedding model"), start
        )
        if not chosen:
            return
        try:
            value = embedding_model_for_folder(Path(chosen))
        except EmbeddingError as error:
            refused = EmbeddingError(
                self.tr(
                    "“{folder}” does not hold a sentence-transformers model: such a folder "
                    "has a modules.json or config.json file, the model's tokenizer and its "
                    "weights. Choose the folder that holds them."
                ).format(folder=chosen),
                detail=error.detail or str(error),
            )
            show_error(self, refused, title=self.tr("Not an embedding model"))
            return
        self._show_embedder(value)
        self._show_problem("")
        self.embedder_combo.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_embedder(self, value: str | None) -> None:
        """List the embedding models and choose `value` among them, without counting it as
        an edit. A value not installed (a folder, or a model deleted since) is listed as it is."""
        value = None if is_starter(value) else value
        combo = self.embedder_combo
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(self.tr(STARTER_EMBEDDER_TEXT), None)
        for id, name in self._embedders:
            combo.addItem(name, id)
        if value is not None and combo.findData(value) < 0:
            combo.addItem(value, value)
        combo.setCurrentIndex(max(0, combo.findData(value)))
        combo.blockSignals(False)
        self.on_edited()

    def _add(self, form: QFormLayout, name: str, field: Field, row: QWidget | None = None) -> None:
        """Put a setting's control on the form (in `row`, if it has company there), with
        its label's mnemonic leading to it (the label's text is set by `retranslate`);
        follow its changes."""
        self.fields[name] = field
        label = QLabel()
        self._label_widgets[name] = label
        label.setBuddy(field.widget)
        form.addRow(label, row or field.widget)
        field.changed.connect(self.on_edited)

    # --- values -----------------------------------------------------------------------------

    def show_settings(self, settings: Settings) -> None:
        """Show these values, dropping any edits; changes are counted from them."""
        self._settings = settings
        self._show_model_file()
        for name, field in self.fields.items():
            field.write(getattr(settings, name))
        self._shown = self.values()
        self._show_problem("")
        self.on_edited()

    def values(self) -> dict[str, Any]:
        """What the controls hold now, as settings values."""
        return {name: field.read() for name, field in self.fields.items()}

    def changes(self) -> dict[str, Any]:
        """The values the user changed. Untouched ones are left out, so a value the
        controls cannot show exactly (a temperature of 0.333) is not rounded."""
        return {name: value for name, value in self.values().items() if value != self._shown[name]}

    def _apply(self) -> bool:
        """Give out the changed settings if they are valid; else say why, and keep them."""
        changes = self.changes()
        if not changes:
            self._show_problem("")
            return True
        try:
            settings = self._settings.updated(**changes)
            if settings.embedding_model is not None and "embedding_model" in changes:
                embedder_location(settings.embedding_model)
        except InvalidSettingError as error:
            self._show_problem(self._in_words(str(error)), error.name)
            return False
        except ConfidenteError as error:  # SettingsError, EmbeddingError
            name = "embedding_model" if not isinstance(error, SettingsError) else None
            self._show_problem(str(error), name)
            return False
        self._settings = settings
        self._shown = self.values()
        self._show_problem("")
        self.on_edited()
        self.settings_accepted.emit(settings)
        return True

    def _in_words(self, message: str) -> str:
        """Core's message with the labels the user sees instead of setting names."""
        message = message.removeprefix("Invalid setting ")
        names = sorted(self.labels, key=len, reverse=True)
        pattern = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b")
        return pattern.sub(lambda match: self.labels[match[1]], message)

    def _show_problem(self, message: str, name: str | None = None) -> None:
        if not message:
            self.problem_label.clear()
            self.problem_label.hide()
            return
        palette = self.problem_label.palette()
        dark = self.palette().color(QPalette.ColorRole.Window).lightness() < 128
        palette.setColor(QPalette.ColorRole.WindowText, QColor("#ff8a80" if dark else "#b3261e"))
        self.problem_label.setPalette(palette)
        self.problem_label.setText(self.tr(PROBLEM_PREFIX) + message)
        self.problem_label.setAccessibleDescription(message)
        self.problem_label.show()
        field = self.fields.get(name or "")
        if field is not None:
            self.tabs.setCurrentIndex(tab_of(field.widget, self.tabs))
            field.widget.setFocus(Qt.FocusReason.OtherFocusReason)
        QAccessible.updateAccessibility(
            QAccessibleEvent(self.problem_label, QAccessible.Event.Alert)
        )

    # --- what the user does -----------------------------------------------------------------

    @Slot()
    def on_edited(self) -> None:
        self.apply_button.setEnabled(bool(self._shown) and bool(self.changes()))

    @Slot()
    def on_ok_clicked(self) -> None:
        if self._apply():
            self.accept()

    @Slot()
    def on_apply_clicked(self) -> None:
        self._apply()

    @Slot()
    def on_restore_defaults_clicked(self) -> None:
        defaults = Settings()
        for name, field in self.fields.items():
            field.write(getattr(defaults, name))

    def controls(self) -> list[QWidget]:
        """Every control the user can reach, in tab order within pages."""
        extra: list[QWidget] = [self.tabs, self.model_file]
        buttons: list[QAbstractButton] = self.buttons.buttons()
        fields = [f.widget for f in self.fields.values()]
        at = fields.index(self.embedder_combo) + 1
        fields[at:at] = [self.embedder_folder_button]
        return [*extra, *fields, *buttons]


_COMFORTABLE_SIZE: Final = QSize(620, 380)
_MAX_SIZE: Final = QSize(780, 560)  # fits an 800 x 600 screen with a window frame
