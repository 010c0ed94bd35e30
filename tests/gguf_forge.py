"""Make hostile variants of a real GGUF file for tests: changed metadata, same tensors.

The header is walked just far enough to copy it: the key/value section is
rewritten with the changes, the tensor descriptions are copied as they are,
and the tensor data follows at the next alignment boundary, so everything
but the changed values stays valid for llama.cpp.
"""

from __future__ import annotations

import shutil
import struct
from collections.abc import Mapping
from pathlib import Path
from typing import BinaryIO

_FIXED = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}
_STRING, _ARRAY, _UINT32 = 8, 9, 4

Value = str | int


def with_metadata(source: Path, target: Path, changes: Mapping[str, Value]) -> Path:
    """Copy `source` to `target` with string (or uint32) metadata values set or replaced."""
    with source.open("rb") as src:
        magic, version, tensors, kv_count = struct.unpack("<4sIQQ", src.read(24))
        entries: list[tuple[str, bytes]] = []
        for _ in range(kv_count):
            key = _read_string(src)
            start = src.tell()
            _skip_value(src, struct.unpack("<I", src.read(4))[0])
            end = src.tell()
            src.seek(start)
            entries.append((key, src.read(end - start)))
        info_start = src.tell()
        for _ in range(tensors):
            _read_string(src)
            (dims,) = struct.unpack("<I", src.read(4))
            src.read(8 * dims + 4 + 8)
        info_end = src.tell()
        alignment = 32
        for key, raw in entries:
            if key == "general.alignment":
                alignment = struct.unpack("<I", raw[4:8])[0]
        data_start = -(-info_end // alignment) * alignment
        kept = [(k, raw) for k, raw in entries if k not in changes]
        for key, value in changes.items():
            kept.append((key, _encode(value)))
        src.seek(info_start)
        infos = src.read(info_end - info_start)
        with target.open("wb") as out:
            out.write(struct.pack("<4sIQQ", magic, version, tensors, len(kept)))
            for key, raw in kept:
                out.write(_string(key) + raw)
            out.write(infos)
            out.write(b"\0" * (-out.tell() % alignment))
            src.seek(data_start)
            shutil.copyfileobj(src, out, 1 << 20)
    return target


def _encode(value: Value) -> bytes:
    if isinstance(value, str):
        return struct.pack("<I", _STRING) + _string(value)
    return struct.pack("<II", _UINT32, value)


def _string(text: str) -> bytes:
    data = text.encode("utf-8")
    return struct.pack("<Q", len(data)) + data


def _read_string(src: BinaryIO) -> str:
    (length,) = struct.unpack("<Q", src.read(8))
    return src.read(length).decode("utf-8", "replace")


def _skip_value(src: BinaryIO, kind: int) -> None:
    if kind == _STRING:
        (length,) = struct.unpack("<Q", src.read(8))
        src.seek(length, 1)
    elif kind == _ARRAY:
        item, count = struct.unpack("<IQ", src.read(12))
        if item == _STRING:
            for _ in range(count):
                (length,) = struct.unpack("<Q", src.read(8))
                src.seek(length, 1)
        else:
            src.seek(_FIXED[item] * count, 1)
    else:
        src.seek(_FIXED[kind], 1)
