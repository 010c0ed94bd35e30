"""The optional Hugging Face access token, kept only in the OS keychain.

Gated models (those whose licence must be accepted on huggingface.co) need a
token to download. It is stored with keyring (Keychain, Windows Credential
Manager, Secret Service) and nowhere else: not in settings, not in logs, not
in error messages. With no keychain available the user is told so, and
public models still download without a token.
"""

from __future__ import annotations

from types import ModuleType

from app.core.errors import ConfidenteError

SERVICE = "Confidente"
ACCOUNT = "huggingface-token"


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


def get_token() -> str | None:
    """The stored token, or None (none stored, or no keychain: public downloads still work)."""
    keyring = _keyring()
    from keyring.errors import KeyringError

    try:
        token = keyring.get_password(SERVICE, ACCOUNT)
    except (KeyringError, RuntimeError, OSError):
        return None
    return token or None


def set_token(token: str) -> None:
    token = token.strip()
    if not token or any(c.isspace() for c in token) or len(token) > 512:
        raise ConfidenteError("That does not look like a Hugging Face access token.")
    keyring = _keyring()
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


def keychain_name() -> str:
    """The keyring backend in use, for `doctor` and the settings view."""
    keyring = _keyring()
    try:
        backend = keyring.get_keyring()
    except Exception as error:  # a broken keyring configuration is reported, not raised
        return f"unavailable ({type(error).__name__})"
    name = type(backend).__name__
    return "none" if type(backend).__module__.endswith("fail") else name
