"""The Settings dialog: model, answers, documents and appearance on four tabs.

It edits a copy of the settings and saves nothing: OK or Apply validates the
values through `Settings.updated` and emits `settings_accepted` with the new
settings, leaving saving (`Services.update_settings`) and acting on the change
to the window. A refused combination (e.g. more tokens per answer than the
context holds) is explained in the dialog, which stays open with everything
the user typed. Each tab says when its values take effect; `describe_effects`
says it again after a change, for the status bar.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from PySide6.QtCore import QCoreApplication, QSize, Qt, Signal, SignalInstance, Slot
from PySide6.QtGui import QAccessible, QAccessibleEvent, QColor, QPalette, QValidator
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.documents.embedder import embedder_location
from app.core.errors import ConfidenteError, SettingsError
from app.core.hardware import physical_cores
from app.core.settings import (
    APPEARANCE_SETTINGS,
    INDEXING_SETTINGS,
    MODEL_LOAD_SETTINGS,
    NEXT_START_SETTINGS,
    InvalidSettingError,
    Settings,
    float_limits,
    int_limits,
)
from app.gui.i18n import QT_TRANSLATE_NOOP
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
    "The theme and the font size change at once. The language changes at the next start.",
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
    if names & NEXT_START_SETTINGS:
        effects.append(
            QCoreApplication.translate("SettingsDialog", "The language changes at the next start.")
        )
    if names - MODEL_LOAD_SETTINGS - INDEXING_SETTINGS - NEXT_START_SETTINGS - APPEARANCE_SETTINGS:
        effects.append(
            QCoreApplication.translate(
                "SettingsDialog", "The new answer settings apply from the next answer."
            )
        )
    return effects


class AutoSpinBox(QSpinBox):
    """A whole number, or "Auto" (None) one step below the lowest number.

    `names` gives words to some numbers (e.g. -1: "All"); they can be typed too.
    `auto_text` is "Auto" in the interface's language unless given.
    """

    def __init__(
        self,
        low: int,
        high: int,
        auto_text: str | None = None,
        names: Mapping[int, str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._names = dict(names or {})
        self.setRange(low - 1, high)
        self.setSpecialValueText(auto_text if auto_text is not None else self.tr("Auto"))

    def optional_value(self) -> int | None:
        value = self.value()
        return None if value == self.minimum() else value

    def set_optional_value(self, value: int | None) -> None:
        self.setValue(self.minimum() if value is None else value)

    def textFromValue(self, value: int) -> str:
        return self._names.get(value) or super().textFromValue(value)

    def valueFromText(self, text: str) -> int:
        for value, name in self._names.items():
            if text.strip().casefold() == name.casefold():
                return value
        return super().valueFromText(text)

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        typed = text.strip().casefold()
        for name in self._names.values():
            if typed and name.casefold().startswith(typed):
                exact = typed == name.casefold()
                state = QValidator.State.Acceptable if exact else QValidator.State.Intermediate
                return state, text, pos
        return super().validate(text, pos)


@dataclass(frozen=True)
class _Field:
    """One setting's control, and how to show and read its value."""

    widget: QWidget
    read: Callable[[], Any]
    write: Callable[[Any], None]
    changed: SignalInstance


class SettingsDialog(QDialog):
    """Model, answers, documents and appearance settings, checked before they are given out.

    Signals:
        settings_accepted(object): OK or Apply was pressed with changed, valid values;
            the new `Settings`. The receiver saves and applies them.
    """

    settings_accepted = Signal(object)

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self.setAccessibleName(self.tr("Settings"))
        self.setObjectName("settingsDialog")
        self._settings = settings  # what changes are made to
        self._shown: dict[str, Any] = {}  # the controls' values when last shown or given out
        self.fields: dict[str, _Field] = {}  # setting name: its control
        self.labels: dict[str, str] = {}  # setting name: its label, as the user sees it
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(self.tr("Settings pages"))
        self.tabs.addTab(self._model_page(), self.tr("&Model"))
        self.tabs.addTab(self._answers_page(), self.tr("A&nswers"))
        self.tabs.addTab(self._documents_page(), self.tr("&Documents"))
        self.tabs.addTab(self._appearance_page(), self.tr("Appea&rance"))
        self.problem_label = QLabel()
        self.problem_label.setObjectName("settingsProblem")
        self.problem_label.setAccessibleName(self.tr("Problem"))
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
        self.ok_button.clicked.connect(self.on_ok_clicked)
        self.apply_button.clicked.connect(self.on_apply_clicked)
        self.cancel_button.clicked.connect(self.reject)
        self.defaults_button.clicked.connect(self.on_restore_defaults_clicked)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
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
        self.model_file.setAccessibleName(self.tr("Model file"))
        choose_note = QLabel(self.tr("Choose models in Model → Models… (Ctrl+M)."))
        choose_note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        low, high = int_limits("gpu_layers")  # -1 is "All", a word of its own
        gpu = AutoSpinBox(low, high, names={-1: self.tr("All", "GPU layers")})
        gpu.setToolTip(
            self.tr(
                "Layers of the model run on the graphics card. Auto: as many as fit in its free "
                "memory (none without a supported GPU). All: every layer. 0: the processor only."
            )
        )
        context = self._spin("context_length", step=512, suffix=self.tr(" tokens"))
        context.setToolTip(
            self.tr(
                "How much text the model keeps in mind: the conversation, document excerpts and "
                "the answer. More needs more memory."
            )
        )
        cores = physical_cores()
        threads = AutoSpinBox(*int_limits("threads"), self.tr("Auto (%n cores)", "", cores))
        threads.setToolTip(
            self.tr("Processor threads used by the model. Auto: one per physical core.")
        )
        form = QFormLayout()
        form.addRow(self.tr("Model &file:"), self.model_file)
        form.addRow("", choose_note)
        self._add(form, "gpu_layers", self.tr("&GPU layers:"), _auto_field(gpu))
        self._add(form, "context_length", self.tr("Conte&xt length:"), _int_field(context))
        self._add(form, "threads", self.tr("&Threads:"), _auto_field(threads))
        return _page(form, self.tr(MODEL_NOTE))

    def _answers_page(self) -> QWidget:
        temperature = self._decimal("temperature")
        temperature.setToolTip(
            self.tr("Lower: steadier, more literal answers. Higher: more varied.")
        )
        top_p = self._decimal("top_p")
        top_p.setToolTip(
            self.tr("Only the likeliest words that together reach this share are used.")
        )
        penalty = self._decimal("repeat_penalty")
        penalty.setToolTip(self.tr("Above 1, the model is discouraged from repeating itself."))
        max_tokens = self._spin("max_tokens", step=64, suffix=self.tr(" tokens"))
        max_tokens.setToolTip(
            self.tr(
                "The longest answer, in tokens (about ¾ of a word each); less than the context."
            )
        )
        sources = self._spin("sources", step=1)
        sources.setToolTip(
            self.tr("Excerpts from your documents given to the model for each answer.")
        )
        form = QFormLayout()
        self._add(form, "temperature", self.tr("&Temperature:"), _float_field(temperature))
        self._add(form, "top_p", self.tr("Top-&p:"), _float_field(top_p))
        self._add(form, "repeat_penalty", self.tr("Repeat pena&lty:"), _float_field(penalty))
        self._add(form, "max_tokens", self.tr("Ma&x tokens per answer:"), _int_field(max_tokens))
        self._add(form, "sources", self.tr("&Sources per document answer:"), _int_field(sources))
        return _page(form, self.tr(ANSWERS_NOTE))

    def _documents_page(self) -> QWidget:
        self.embedder_edit = QLineEdit()
        self.embedder_edit.setPlaceholderText(self.tr(STARTER_EMBEDDER_TEXT))
        self.embedder_edit.setClearButtonEnabled(True)
        self.embedder_edit.setToolTip(
            self.tr(
                "A folder holding a sentence-transformers model; leave empty for the built-in one"
            )
        )
        self.browse_button = QPushButton(self.tr("&Browse…"))
        self.browse_button.setAccessibleName(self.tr("Browse for an embedding model folder"))
        self.browse_button.setToolTip(self.tr("Choose the folder of an embedding model"))
        self.browse_button.clicked.connect(self.on_browse_clicked)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.embedder_edit, 1)
        row.addWidget(self.browse_button)
        chunk_size = self._spin("chunk_size", step=100, suffix=self.tr(" characters"))
        chunk_size.setToolTip(self.tr("How long the passages are that documents are cut into."))
        overlap = self._spin("chunk_overlap", step=50, suffix=self.tr(" characters"))
        overlap.setToolTip(
            self.tr("Text repeated between neighbouring passages; at most half a passage.")
        )
        embedder = _Field(
            self.embedder_edit,
            lambda: self.embedder_edit.text().strip() or None,
            lambda value: self.embedder_edit.setText(value or ""),
            self.embedder_edit.textChanged,
        )
        form = QFormLayout()
        self._add(form, "embedding_model", self.tr("&Embedding model folder:"), embedder, row)
        self._add(form, "chunk_size", self.tr("Chunk si&ze:"), _int_field(chunk_size))
        self._add(form, "chunk_overlap", self.tr("Chunk o&verlap:"), _int_field(overlap))
        return _page(form, self.tr(DOCUMENTS_NOTE))

    def _appearance_page(self) -> QWidget:
        theme = _combo(THEME_CHOICES)
        theme.setToolTip(self.tr("Light or dark colours, or the same as the system's"))
        language = _combo(LANGUAGE_CHOICES)
        language.setToolTip(self.tr("The language of menus and messages, from the next start"))
        default_size = system_font().pointSize()
        auto = (
            self.tr("Auto ({size} pt)").format(size=default_size)
            if default_size > 0
            else self.tr("Auto")
        )
        font_size = AutoSpinBox(*int_limits("font_size"), auto)
        font_size.setSuffix(" pt")
        font_size.setToolTip(self.tr("The size of text everywhere in Confidente, in points"))
        form = QFormLayout()
        self._add(form, "theme", self.tr("&Theme:"), _combo_field(theme))
        self._add(form, "language", self.tr("&Language:"), _combo_field(language))
        self._add(form, "font_size", self.tr("&Font size:"), _auto_field(font_size))
        return _page(form, self.tr(APPEARANCE_NOTE))

    def _add(
        self, form: QFormLayout, name: str, text: str, field: _Field, row: QLayout | None = None
    ) -> None:
        """Put a setting's control on the form (in `row` if given), named for assistive
        tools, with its label's mnemonic leading to it; follow its changes."""
        self.fields[name] = field
        self.labels[name] = text.replace("&", "").rstrip(":")
        field.widget.setAccessibleName(self.labels[name])
        label = QLabel(text)
        label.setBuddy(field.widget)
        if row is None:
            form.addRow(label, field.widget)
        else:
            form.addRow(label, row)
        field.changed.connect(self.on_edited)

    @staticmethod
    def _spin(name: str, *, step: int, suffix: str = "") -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(*int_limits(name))
        spin.setSingleStep(step)
        spin.setSuffix(suffix)
        spin.setGroupSeparatorShown(True)
        return spin

    @staticmethod
    def _decimal(name: str) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setRange(*float_limits(name))
        spin.setDecimals(2)
        spin.setSingleStep(0.05)
        return spin

    # --- values -----------------------------------------------------------------------------

    def show_settings(self, settings: Settings) -> None:
        """Show these values, dropping any edits; changes are counted from them."""
        self._settings = settings
        self.model_file.setText(settings.model_path or self.tr(STARTER_MODEL_TEXT))
        self.model_file.setToolTip(settings.model_path or self.tr(STARTER_MODEL_TEXT))
        self.model_file.setCursorPosition(0)
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
            self.tabs.setCurrentIndex(_page_of(field.widget, self.tabs))
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

    @Slot()
    def on_browse_clicked(self) -> QFileDialog:
        dialog = QFileDialog(self, self.tr("Choose an embedding model folder"))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        current = self.embedder_edit.text().strip()
        if current:
            dialog.setDirectory(current)
        dialog.fileSelected.connect(self.on_folder_picked)
        dialog.open()
        return dialog

    @Slot(str)
    def on_folder_picked(self, path: str) -> None:
        if path:
            self.embedder_edit.setText(path)

    def controls(self) -> list[QWidget]:
        """Every control the user can reach, in tab order within pages."""
        extra: list[QWidget] = [self.tabs, self.model_file, self.browse_button]
        buttons: list[QAbstractButton] = self.buttons.buttons()
        return [*extra, *(f.widget for f in self.fields.values()), *buttons]


_COMFORTABLE_SIZE: Final = QSize(620, 380)
_MAX_SIZE: Final = QSize(780, 560)  # fits an 800 x 600 screen with a window frame


def _page(form: QFormLayout, note: str) -> QWidget:
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
    note_label = QLabel(note)
    note_label.setWordWrap(True)
    note_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.addLayout(form)
    layout.addStretch(1)
    layout.addWidget(note_label)
    return page


def _page_of(widget: QWidget, tabs: QTabWidget) -> int:
    """The index of the tab holding `widget` (the current tab if none does)."""
    for index in range(tabs.count()):
        page = tabs.widget(index)
        if page is not None and page.isAncestorOf(widget):
            return index
    return tabs.currentIndex()


def _combo(choices: Iterable[tuple[str, str]]) -> QComboBox:
    combo = QComboBox()
    for text, value in choices:
        combo.addItem(_tr(text), value)
    return combo


def _int_field(spin: QSpinBox) -> _Field:
    return _Field(spin, spin.value, spin.setValue, spin.valueChanged)


def _auto_field(spin: AutoSpinBox) -> _Field:
    return _Field(spin, spin.optional_value, spin.set_optional_value, spin.valueChanged)


def _float_field(spin: QDoubleSpinBox) -> _Field:
    return _Field(
        spin, lambda: round(spin.value(), spin.decimals()), spin.setValue, spin.valueChanged
    )


def _combo_field(combo: QComboBox) -> _Field:
    return _Field(
        combo,
        combo.currentData,
        lambda value: combo.setCurrentIndex(max(0, combo.findData(value))),
        combo.currentIndexChanged,
    )
