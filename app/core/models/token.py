"""The optional Hugging Face access token, kept only in the OS keychain.

Gated models (those whose licence must be accepted on huggingface.co) need a
token to download. It is stored with keyring (Keychain, Windows Credential
Manager, Secret Service) and nowhere else: not in settings, not in logs, not
in error messages. With no keychain available the user is told so, and
public models still download without a token.

Only a real keychain will do: a backend keyring ranks below 1 (its own measure
of "not a proper keychain"), one that keeps secrets in a plain file
(keyrings.alt's PlaintextKeyring and its file-based kin) and the fail/null
backends are refused with the reason, exactly as if there were no keychain.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from app.core.errors import ConfidenteError

SERVICE = "Confidente"
ACCOUNT = "huggingface-token"
_MIN_PRIORITY = 1
# Backends that write secrets where any program (or a backup) can read them.
_PLAINTEXT_MODULES = ("keyrings.alt.file", "keyrings.alt.Gnome", "keyrings.alt.pyfs")
_PLAINTEXT_NAMES = ("PlaintextKeyring",)
_NO_KEYCHAIN = "is no keychain at all"


class KeychainError(ConfidenteError):
    """No usable OS keychain, or it refused the request."""


def _keyring() -> ModuleType:
    import keyring

    return keyring


def _unavailable(error: Exception) -> KeychainError:
    return KeychainError(
        "No OS keychain is available to keep a Hugging Face token safely "
        "(on Linux: install and unlock a Secret Service keyring such as GNOME Keyring or "
        "KWallet). Public models download without a token.",
        detail=f"{type(error).__name__}: {error}",
    )


def _weakness(backend: Any) -> str | None:
    """Why `backend` is not a keychain fit for a secret, or None if it is."""
    from keyring.backends import chainer

    if isinstance(backend, chainer.ChainerBackend):
        members = list(backend.backends)
        weak = [r for r in map(_weakness, members) if r]
        if not members:
            return f"the chain {_NO_KEYCHAIN}"
        return weak[0] if weak else None
    name, module = type(backend).__name__, type(backend).__module__
    if name in _PLAINTEXT_NAMES or module.startswith(_PLAINTEXT_MODULES):
        return f"{name} keeps secrets in a plain file"
    if module.endswith((".fail", ".null")):
        return f"{name} {_NO_KEYCHAIN}"
    try:
        priority = float(backend.priority)
    except Exception:  # a backend whose priority check fails is not usable either
        return f"{name} is not usable here"
    if priority < _MIN_PRIORITY:
        return f"{name} ranks itself too low to be trusted (priority {priority:g})"
    return None


def _checked_keyring() -> ModuleType:
    """keyring, once its backend is known to be a real keychain; KeychainError otherwise."""
    keyring = _keyring()
    try:
        weakness = _weakness(keyring.get_keyring())
    except Exception as error:  # a broken keyring configuration
        raise _unavailable(error) from error
    if weakness and weakness.endswith(_NO_KEYCHAIN):
        raise _unavailable(RuntimeError(weakness))
    if weakness:
        raise KeychainError(
            "The keyring available here would not keep a Hugging Face token safely "
            f"({weakness}), so Confidente does not use it. On Linux install and unlock a "
            "Secret Service keyring such as GNOME Keyring or KWallet. Public models "
            "download without a token.",
            detail=weakness,
        )
    return keyring


def get_token() -> str | None:
    """The stored token, or None (none stored, or no keychain: public downloads still work)."""
    from keyring.errors import KeyringError

    try:
        keyring = _checked_keyring()
    except KeychainError:
        return None
    try:
        token = keyring.get_password(SERVICE, ACCOUNT)
    except (KeyringError, RuntimeError, OSError):
        return None
    return token or None


def set_token(token: str) -> None:
    token = token.strip()
    if not token or any(c.isspace() for c in token) or len(token) > 512:
        raise ConfidenteError("That does not look like a Hugging Face access token.")
    keyring = _checked_keyring()
    from keyring.errors import KeyringError

    try:
        keyring.set_password(SERVICE, ACCOUNT, token)
    except (KeyringError, RuntimeError, OSError) as error:
        raise _unavailable(error) from error


def clear_token() -> bool:
    """Forget the token; True if there was one."""
    keyring = _keyring()
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        keyring.delete_password(SERVICE, ACCOUNT)
    except PasswordDeleteError:
        return False
    except (KeyringError, RuntimeError, OSError) as error:
        raise _unavailable(error) from error
    return True


def keychain_weakness() -> str | None:
    """Why the keyring here would not keep a secret safely, or None if it would."""
    try:
        return _weakness(_keyring().get_keyring())
    except Exception as error:  # a broken keyring configuration
        return f"the keyring configuration is broken ({type(error).__name__})"


def keychain_name() -> str:
    """The keyring backend in use, for `doctor` and the settings view."""
    keyring = _keyring()
    try:
        backend = keyring.get_keyring()
    except Exception as error:  # a broken keyring configuration is reported, not raised
        return f"unavailable ({type(error).__name__})"
    name = type(backend).__name__
    if type(backend).__module__.endswith("fail"):
        return "none"
    weakness = _weakness(backend)
    return f"{name} (not used: {weakness})" if weakness else name
