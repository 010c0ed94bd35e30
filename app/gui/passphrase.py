"""The passphrase dialog, for machines with no OS keychain to hold the data key.

Shown before the window, at most once per start: to choose a passphrase (typed
twice, with what it protects and that it cannot be recovered), or to type it.
A wrong one is said in the dialog and asked again; Cancel quits without
opening anything. The key itself is made in app.core.data_key.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.data_key import MIN_PASSPHRASE_LENGTH
from app.gui.i18n import QT_TRANSLATE_NOOP
from app.gui.plain_text import plain

# What app.core.data_key says of a refused passphrase, translated here.
_PROBLEMS = (
    QT_TRANSLATE_NOOP("PassphraseDialog", "Use at least 8 characters."),
    QT_TRANSLATE_NOOP("PassphraseDialog", "That passphrase does not open your data. Try again."),
)


class PassphraseDialog(QDialog):
    def __init__(self, *, new: bool, problem: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("passphraseDialog")
        self.setWindowTitle(self.tr("Your passphrase"))
        self._new = new
        if new:
            text = self.tr(
                "Your conversations and documents are kept encrypted. There is no keychain "
                "on this computer to hold their key, so choose a passphrase (at least {n} "
                "characters). You will type it each time Confidente starts. Without it your "
                "data cannot be read, and nobody can recover it: keep it safe."
            ).format(n=MIN_PASSPHRASE_LENGTH)
        else:
            text = self.tr(
                "Your conversations and documents are encrypted with your passphrase. Type it "
                "to open them."
            )
        intro = QLabel(text)
        intro.setWordWrap(True)
        self.problem_label = QLabel(self.tr(problem) if problem else "")
        plain(self.problem_label)
        self.problem_label.setWordWrap(True)
        self.problem_label.setObjectName("passphraseProblem")
        self.problem_label.setVisible(bool(problem))
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName(self.tr("Passphrase"))
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.again.setAccessibleName(self.tr("The same passphrase again"))
        form = QFormLayout()
        form.addRow(self.tr("Passphrase:"), self.passphrase)
        if new:
            form.addRow(self.tr("Again:"), self.again)
        else:
            self.again.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._accept_if_valid)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.problem_label)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(440)

    def _accept_if_valid(self) -> None:
        """The two entries must match; the length rule is checked by the core."""
        if self._new and self.passphrase.text() != self.again.text():
            self.problem_label.setText(self.tr("The two passphrases differ. Type them again."))
            self.problem_label.show()
            self.again.clear()
            self.again.setFocus()
            return
        self.accept()


def ask_passphrase(*, new: bool, problem: str | None) -> str | None:
    """app.core.data_key's Prompt, as a dialog; None when the user cancels."""
    dialog = PassphraseDialog(new=new, problem=problem)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.passphrase.text()
