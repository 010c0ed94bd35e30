"""Every page of a SQLCipher file (and its WAL) decrypted, free pages included.

What someone holding the key could read from the disk: used to show that
deleted text is overwritten (secure_delete), not merely unreachable, now that
the raw bytes are ciphertext anyway. SQLCipher 4 defaults with a raw key: the
key is the AES-256 key; 4096-byte pages end in 80 reserved bytes (a 16-byte IV,
then a 64-byte HMAC); page 1 begins with the 16-byte salt.
"""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from app.core.data_key import DataKey

PAGE = 4096
RESERVE = 80
SALT = 16
WAL_HEADER = 32
FRAME_HEADER = 24


def _decrypt_page(page: bytes, number: int, key: DataKey) -> bytes:
    start = SALT if number == 1 else 0
    iv = page[PAGE - RESERVE : PAGE - RESERVE + 16]
    decryptor = Cipher(algorithms.AES(key.secret), modes.CBC(iv)).decryptor()
    return decryptor.update(page[start : PAGE - RESERVE]) + decryptor.finalize()


def decrypted_bytes(path: Path, key: DataKey) -> bytes:
    """The plaintext of every page in `path` and in every frame of `path`-wal."""
    parts: list[bytes] = []
    data = path.read_bytes() if path.exists() else b""
    for offset in range(0, len(data) - PAGE + 1, PAGE):
        parts.append(_decrypt_page(data[offset : offset + PAGE], offset // PAGE + 1, key))
    wal = path.with_name(path.name + "-wal")
    frames = wal.read_bytes()[WAL_HEADER:] if wal.exists() else b""
    step = FRAME_HEADER + PAGE
    for offset in range(0, len(frames) - step + 1, step):
        number = int.from_bytes(frames[offset : offset + 4], "big")
        page = frames[offset + FRAME_HEADER : offset + step]
        parts.append(_decrypt_page(page, number, key))
    return b"".join(parts)
