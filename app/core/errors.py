"""One exception family for expected failures.

Every `ConfidenteError` carries a message written for the person using the
app. The GUI shows it in a dialog, the CLI prints it and exits non-zero; no
stack trace is shown for these. Anything else that escapes is a bug.
"""

from __future__ import annotations


class ConfidenteError(Exception):
    """An expected failure whose `str()` is fit to show to the user."""

    def __init__(self, message: str, *, detail: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class SettingsError(ConfidenteError):
    """A setting has an invalid value, or the settings file cannot be used."""


class StorageError(ConfidenteError):
    """The conversation store cannot be read or written."""


class ModelError(ConfidenteError):
    """No usable model: missing, corrupt, or refused by llama.cpp."""


class ContextOverflowError(ConfidenteError):
    """A single message does not fit in the model's context window."""


class NetworkBlockedError(ConfidenteError, PermissionError):
    """Something tried to open a connection that the privacy guard refused."""


class DocumentError(ConfidenteError):
    """A document library cannot do what was asked (unknown library, nothing indexed...)."""
