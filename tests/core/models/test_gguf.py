"""The GGUF header check refuses broken and hostile files with a clear reason."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from app.core.errors import ModelError
from app.core.models.gguf import read_gguf_info


def _header(tensor_count: int, kv_count: int, version: int = 3) -> bytes:
    return b"GGUF" + struct.pack("<IQQ", version, tensor_count, kv_count)


def _string(text: bytes) -> bytes:
    return struct.pack("<Q", len(text)) + text


def test_reads_the_starter_model(starter_model: Path) -> None:
    info = read_gguf_info(starter_model)
    assert info.architecture == "gemma3"
    assert info.context_length == 32768
    assert info.chat_template is None  # a base model
    assert info.data_end == info.file_size  # every tensor byte is accounted for


@pytest.mark.parametrize(
    "keep_bytes", [4096, 50_000_000], ids=["inside-the-header", "inside-the-tensors"]
)
def test_truncated_copy_is_refused(starter_model: Path, tmp_path: Path, keep_bytes: int) -> None:
    partial = tmp_path / "partial.gguf"
    with starter_model.open("rb") as source:
        partial.write_bytes(source.read(keep_bytes))
    with pytest.raises(ModelError, match="truncated or incomplete"):
        read_gguf_info(partial)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "truncated"),
        (b"PK\x03\x04 this is a zip file, not a model" * 10, "GGUF signature"),
        (_header(1, 1, version=99), "unsupported GGUF version"),
        (_header(10**12, 1), "implausible counts"),
        (_header(0, 1) + struct.pack("<Q", 2**40) + b"key", "claims"),
        (_header(0, 1) + _string(b"k") + struct.pack("<IIQ", 9, 8, 2**40), "claims"),
        (_header(0, 1) + _string(b"k") + struct.pack("<I", 77) + b"\0" * 16, "unknown value type"),
        (
            _header(1, 0) + _string(b"t") + struct.pack("<I", 9) + b"\0" * 64,
            "dimensions",
        ),
    ],
    ids=["empty", "zip", "version", "counts", "long-key", "huge-array", "bad-type", "dims"],
)
def test_hostile_headers_are_refused(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.gguf"
    path.write_bytes(content)
    with pytest.raises(ModelError, match=reason):
        read_gguf_info(path)


def test_missing_file_and_folder_are_named(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not found"):
        read_gguf_info(tmp_path / "nope.gguf")
    with pytest.raises(ModelError, match="folder"):
        read_gguf_info(tmp_path)
