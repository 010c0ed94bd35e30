"""The Models dialog's downloads: a row for each, with its progress and buttons.

`DownloadsBox` holds one `DownloadRow` per download `ModelsController` reports
(chat models and embedding models alike), adds and drops rows as downloads start and
end, and passes on what the user pressed (pause, resume, cancel) by the download's name.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.gui.i18n import Retranslated
from app.gui.models.controller import DownloadState
from app.gui.plain_text import plain


class DownloadRow(Retranslated, QFrame):
    """One download: its name, a bar, '1.2 of 2.0 GB · 8.5 MB/s · 1 min left', and buttons.

    Signals:
        pause_requested(str), resume_requested(str), cancel_requested(str): the user pressed
            that button for the download with this name.
    """

    pause_requested = Signal(str)
    resume_requested = Signal(str)
    cancel_requested = Signal(str)

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel()
        plain(self.title)  # a model's name
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setFormat("%p %")
        self.detail = QLabel()
        plain(self.detail)  # may quote an error
        self.detail.setWordWrap(True)
        self._state: DownloadState | None = None  # the last shown
        self.pause_button = QPushButton()
        self.resume_button = QPushButton()
        self.cancel_button = QPushButton()
        buttons = QHBoxLayout()
        buttons.addWidget(self.detail, 1)
        for button in (self.pause_button, self.resume_button, self.cancel_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.bar)
        layout.addLayout(buttons)
        self.pause_button.clicked.connect(lambda: self.pause_requested.emit(self.name))
        self.resume_button.clicked.connect(lambda: self.resume_requested.emit(self.name))
        self.cancel_button.clicked.connect(lambda: self.cancel_requested.emit(self.name))
        self.retranslate()

    def retranslate(self) -> None:
        """The buttons in the interface's language; the progress line is the controller's,
        in the new language from its next report."""
        self.pause_button.setText(self.tr("Pause"))
        self.pause_button.setToolTip(self.tr("Stop for now; the part downloaded is kept for later"))
        self.resume_button.setText(self.tr("Resume"))
        self.resume_button.setToolTip(self.tr("Go on from where the download stopped"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Stop the download and delete the part downloaded"))
        if self._state is not None:
            self._name_controls(self._state.label)

    def _name_controls(self, label: str) -> None:
        for button, name in (
            (self.pause_button, self.tr("Pause the download of {label}")),
            (self.resume_button, self.tr("Resume the download of {label}")),
            (self.cancel_button, self.tr("Cancel the download of {label}")),
        ):
            button.setAccessibleName(name.format(label=label))
        self.bar.setAccessibleName(self.tr("Download of {label}").format(label=label))

    def show_state(self, state: DownloadState) -> None:
        self._state = state
        self.title.setText(state.label)
        self.detail.setText(state.text)
        self._name_controls(state.label)
        if state.status == "waiting" or (state.status == "running" and not state.total):
            self.bar.setRange(0, 0)  # busy
        else:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(1000 * state.done / state.total) if state.total else 0)
        stopped = state.status in ("paused", "stopped")
        self.pause_button.setVisible(not stopped)
        self.pause_button.setEnabled(state.status in ("waiting", "running"))
        self.resume_button.setVisible(stopped)
        self.cancel_button.setEnabled(state.status != "cancelling")


class DownloadsBox(QGroupBox):
    """The downloads under way or paused, one `DownloadRow` each, scrolled past a few;
    hidden when there are none. Its title is the dialog's to set.

    Signals:
        pause_requested(str), resume_requested(str), cancel_requested(str): a row's button
            was pressed, for the download with this name.
    """

    pause_requested = Signal(str)
    resume_requested = Signal(str)
    cancel_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: dict[str, DownloadRow] = {}
        self.rows_layout = QVBoxLayout()
        self.rows_layout.setContentsMargins(0, 0, 0, 0)
        self.rows_layout.addStretch(1)
        inner = QWidget()
        inner.setLayout(self.rows_layout)
        scroll = QScrollArea()
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
        scroll.setMaximumHeight(180)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(scroll)

    def show_states(self, downloads: Iterable[DownloadState]) -> None:
        """A row for each of these downloads, in its state; the rows of others go."""
        states = {state.name: state for state in downloads}
        for name in [n for n in self.rows if n not in states]:
            row = self.rows.pop(name)
            self.rows_layout.removeWidget(row)
            row.deleteLater()
        for name, state in states.items():
            existing = self.rows.get(name)
            if existing is None:
                row = self.rows[name] = DownloadRow(name)
                row.pause_requested.connect(self.pause_requested)
                row.resume_requested.connect(self.resume_requested)
                row.cancel_requested.connect(self.cancel_requested)
                self.rows_layout.insertWidget(self.rows_layout.count() - 1, row)
            else:
                row = existing
            row.show_state(state)
        self.setVisible(bool(states))
