"""The Settings dialog's building blocks: its controls, the fields that bind a control to
a setting, and the layout of a page.

A `Field` is what the dialog needs of a setting's control: the widget, how to show a
value in it, how to read it back, and the signal that says the user changed it. Each
`*_field` makes one for a kind of control. `AutoSpinBox` is a number that may also be
"Auto" (no value: the app chooses), and may name some numbers ("All").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import SignalInstance
from PySide6.QtGui import QPalette, QValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.settings import float_limits, int_limits


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
        self.set_words(auto_text if auto_text is not None else self.tr("Auto"), names)

    def set_words(self, auto_text: str, names: Mapping[int, str] | None = None) -> None:
        """Say "Auto" and the named numbers in other words (another language)."""
        if names is not None:
            self._names = dict(names)
        self.setSpecialValueText(auto_text)  # shows the value again, in the new words

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
class Field:
    """One setting's control, and how to show and read its value."""

    widget: QWidget
    read: Callable[[], Any]
    write: Callable[[Any], None]
    changed: SignalInstance


def spin_box(name: str, *, step: int) -> QSpinBox:
    """A whole-number setting's control, within the limits the settings model allows."""
    spin = QSpinBox()
    spin.setRange(*int_limits(name))
    spin.setSingleStep(step)
    spin.setGroupSeparatorShown(True)
    return spin


def decimal_box(name: str) -> QDoubleSpinBox:
    """A decimal setting's control, within the limits the settings model allows."""
    spin = QDoubleSpinBox()
    spin.setRange(*float_limits(name))
    spin.setDecimals(2)
    spin.setSingleStep(0.05)
    return spin


def combo_box(choices: Iterable[tuple[str, str]]) -> QComboBox:
    """A choice of values; their texts are set by the dialog's `retranslate`."""
    combo = QComboBox()
    for _text, value in choices:
        combo.addItem("", value)
    return combo


def int_field(spin: QSpinBox) -> Field:
    return Field(spin, spin.value, spin.setValue, spin.valueChanged)


def auto_field(spin: AutoSpinBox) -> Field:
    return Field(spin, spin.optional_value, spin.set_optional_value, spin.valueChanged)


def float_field(spin: QDoubleSpinBox) -> Field:
    return Field(
        spin, lambda: round(spin.value(), spin.decimals()), spin.setValue, spin.valueChanged
    )


def combo_field(combo: QComboBox) -> Field:
    return Field(
        combo,
        combo.currentData,
        lambda value: combo.setCurrentIndex(max(0, combo.findData(value))),
        combo.currentIndexChanged,
    )


def note_label() -> QLabel:
    """The line at the foot of a page saying when its values take effect."""
    note = QLabel()
    note.setWordWrap(True)
    note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return note


def settings_page(form: QFormLayout, note: QLabel) -> QWidget:
    """A tab's page: the form, then the note at its foot."""
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.addLayout(form)
    layout.addStretch(1)
    layout.addWidget(note)
    return page


def tab_of(widget: QWidget, tabs: QTabWidget) -> int:
    """The index of the tab holding `widget` (the current tab if none does)."""
    for index in range(tabs.count()):
        page = tabs.widget(index)
        if page is not None and page.isAncestorOf(widget):
            return index
    return tabs.currentIndex()
