"""Where the model's state is shown: the status bar, and a banner over the chat.

The banner is there while the model is loading (with the starter model's
assembly progress) or failed to load (with a Retry button); the status bar
always names the model, its device, and the speed of the last answer.
"""

from __future__ import annotations

from typing import Literal

from PySide6.QtCore import Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStatusBar,
    QWidget,
)

from app.core.models.engine import GenerationStats, ModelInfo
from app.gui.i18n import QT_TRANSLATE_NOOP, Retranslated
from app.gui.plain_text import plain

LOADING_TEXT = QT_TRANSLATE_NOOP(
    "ModelBanner",
    "Loading the model… You can write already: your message is sent as soon as it is ready.",
)
FAILED_TEXT = QT_TRANSLATE_NOOP("ModelBanner", "No model is loaded: {error}")


class ModelBanner(Retranslated, QFrame):
    """A strip above the chat saying the model is not ready yet, or why not.

    Signals:
        retry_requested(): the user pressed Retry after a failed load.
    """

    retry_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("modelBanner")
        self._shown: tuple[str, str] = ("loading", "")  # the state shown, and its detail
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.ToolTipBase)
        self.setForegroundRole(QPalette.ColorRole.ToolTipText)
        self.label = QLabel()
        plain(self.label)  # may quote an error
        self.label.setWordWrap(True)
        self.label.setForegroundRole(QPalette.ColorRole.ToolTipText)
        self.retry_button = QPushButton()
        self.retry_button.clicked.connect(self.retry_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.retry_button)
        self.retranslate()

    def retranslate(self) -> None:
        self.setAccessibleName(self.tr("Model status"))
        self.retry_button.setText(self.tr("Retry loading"))
        self.retry_button.setAccessibleName(self.tr("Retry loading the model"))
        self._show_label()

    def _show_label(self) -> None:
        state, detail = self._shown
        if state == "loading":
            text = self.tr(LOADING_TEXT)
            self.label.setText(f"{text}\n{detail}" if detail else text)
        else:
            self.label.setText(self.tr(FAILED_TEXT).format(error=detail))

    def show_loading(self, detail: str = "") -> None:
        self._shown = ("loading", detail)
        self._show_label()
        self.retry_button.hide()
        self.show()

    def show_failed(self, error: str) -> None:
        self._shown = ("failed", error)
        self._show_label()
        self.retry_button.show()
        self.show()


class AppStatusBar(Retranslated, QStatusBar):
    """Messages on the left; indexing under way, model, device and last speed on the right."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model: ModelInfo | Literal["loading"] | None = "loading"
        self._stats: GenerationStats | None = None  # of the last answer
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(160)
        self.progress.hide()
        self.model_label = QLabel()
        plain(self.model_label)  # a model's name
        self.speed_label = QLabel()
        self.indexing_label = QLabel()
        plain(self.indexing_label)  # a library's name
        self.indexing_label.setContentsMargins(0, 0, 12, 0)
        self.indexing_label.hide()
        self.addPermanentWidget(self.indexing_label)
        self.addPermanentWidget(self.progress)
        self.addPermanentWidget(self.model_label)
        self.addPermanentWidget(self.speed_label)
        self.retranslate()

    def retranslate(self) -> None:
        """The labels in the interface's language; a passing message is left to expire."""
        self.progress.setAccessibleName(self.tr("Model preparation progress"))
        self.model_label.setAccessibleName(self.tr("Model"))
        self.speed_label.setAccessibleName(self.tr("Speed of the last answer"))
        self.indexing_label.setAccessibleName(self.tr("Indexing"))
        self._show_model_label()
        self._show_speed_label()

    def show_loading(self) -> None:
        self._model = "loading"
        self._show_model_label()

    def show_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, 1000)
        self.progress.setValue(int(1000 * done / total) if total else 0)
        self.progress.setVisible(done < total)

    def show_indexing(self, summary: str) -> None:
        """'Indexing “default”: 2 of 5 files · 14.2 pages/s'; "" hides it."""
        self.indexing_label.setText(summary)
        self.indexing_label.setVisible(bool(summary))

    def show_model(self, info: ModelInfo | None) -> None:
        self.progress.hide()
        self._model = info
        self._show_model_label()

    def _show_model_label(self) -> None:
        info = self._model
        if info == "loading":
            self.model_label.setText(self.tr("Model: loading…"))
            return
        if info is None:
            self.model_label.setText(self.tr("Model: none loaded"))
            return
        self.model_label.setText(f"{info.name} · {info.device}")
        self.model_label.setToolTip(
            self.tr(
                "{path}\n{context} tokens of context, {threads} threads, prompt format: {format}"
            ).format(
                path=info.path,
                context=info.context_length,
                threads=info.threads,
                format=info.prompt_format,
            )
        )

    def show_speed(self, stats: GenerationStats) -> None:
        self._stats = stats
        self._show_speed_label()

    def _show_speed_label(self) -> None:
        stats = self._stats
        if stats is None:
            return
        speed = stats.tokens_per_second
        if speed:
            text = self.tr("{speed} tokens/s").format(speed=f"{speed:.1f}")
        else:
            text = self.tr("{count} tokens").format(count=stats.generated_tokens)
        self.speed_label.setText(text)
        self.speed_label.setToolTip(
            self.tr(
                "Last answer: {generated} tokens, first after {first} s; {reused} of "
                "{prompt} prompt tokens reused from the cache"
            ).format(
                generated=stats.generated_tokens,
                first=f"{stats.time_to_first_token:.2f}",
                reused=stats.reused_tokens,
                prompt=stats.prompt_tokens,
            )
        )
