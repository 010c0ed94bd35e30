"""The first-run welcome: where data lives, that nothing leaves, how to get a better model.

Shown once per installation (per `CONFIDENTE_HOME`): a marker file in the
config folder records that it was seen. Checking and writing the marker are
file operations, so they run off the GUI thread.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from app.core.paths import AppPaths
from app.gui.i18n import QT_TRANSLATE_NOOP
from app.gui.tasks import TaskManager

MARKER = "welcomed"

# Translated where shown (`WelcomeDialog.tr`), then filled in.
WELCOME_HTML = QT_TRANSLATE_NOOP(
    "WelcomeDialog",
    """
<h2>Welcome to Confidente</h2>
<p><b>Everything stays on this computer.</b> Confidente never sends what you write or the
documents you add anywhere: the model runs here, and the only connection it can make is a
model download that you start yourself.</p>
<p><b>Your data lives in</b><br><code>{data}</code><br>
(conversations, the document index and downloaded models) and your settings in
<code>{config}</code>.</p>
<p><b>A better model.</b> The starter model is small, to prove everything works offline.
For real work open <i>Model → Models…</i> (Ctrl+M): the catalog shows which models fit this
computer and downloads them, or drag a <code>.gguf</code> file onto this window.</p>
<p><b>Your documents.</b> Drag files or folders onto the window, then turn on
<i>Answer from documents</i> to get answers with their sources.</p>
""",
)


def first_run(paths: AppPaths) -> bool:
    """Whether the welcome has not been shown yet; marks it as shown (file I/O)."""
    marker = paths.config / MARKER
    if marker.exists():
        return False
    paths.config.mkdir(parents=True, exist_ok=True)
    marker.write_text("The first-run welcome was shown.\n", encoding="utf-8")
    return True


class WelcomeDialog(QDialog):
    def __init__(self, paths: AppPaths, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paths = paths
        self.setObjectName("welcomeDialog")
        self.text = QLabel()
        self.text.setObjectName("welcomeText")
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        self.retranslate()

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.LanguageChange:
            # After the children: the button box names its standard buttons again first.
            self.retranslate()
        return handled

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Welcome to Confidente"))
        self.setAccessibleName(self.tr("Welcome to Confidente"))
        html = self.tr(WELCOME_HTML)
        paths = self._paths
        self.text.setText(html.format(data=_escaped(paths.data), config=_escaped(paths.config)))
        self.text.setAccessibleName(self.tr("Welcome text"))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Start"))


class Welcomer(QObject):
    """Shows the welcome over `window` on the first start, after checking the marker
    in the background; never once `stop` was called (the window was closed)."""

    def __init__(self, paths: AppPaths, tasks: TaskManager, window: QWidget) -> None:
        super().__init__(window)
        self._paths = paths
        self._tasks = tasks
        self._window = window
        self._stopped = False
        self.dialog: WelcomeDialog | None = None

    def welcome_if_first_run(self) -> None:
        """On the first start of this installation, say where data lives and what to do."""
        paths = self._paths
        self._tasks.run_in_background(lambda: first_run(paths), self._welcome)

    def stop(self) -> None:
        self._stopped = True

    def _welcome(self, first: bool) -> None:
        if first and not self._stopped:
            self.dialog = WelcomeDialog(self._paths, self._window)
            self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.dialog.open()


def _escaped(path: Path) -> str:
    return str(path).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
