"""Read and check a GGUF file's header before llama.cpp sees it.

Model files are untrusted input. This reader walks the header with hard
limits (string and array sizes, counts, dimensions), reads the metadata we
need (architecture, context length, chat template) and checks that the
tensor data the header promises is really in the file, so a truncated or
non-GGUF file gets a clear message instead of reaching native code.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from app.core.errors import ModelError
from app.core.models.fit import ModelShape

GGUF_MAGIC = b"GGUF"
MAX_STRING_BYTES = 4 * 1024 * 1024  # a chat template is a few KiB; refuse absurd lengths
MAX_ARRAY_ITEMS = 16 * 1024 * 1024  # vocabularies are up to a few hundred thousand entries
MAX_KV_COUNT = 65_536
MAX_TENSOR_COUNT = 1_000_000
MAX_DIMS = 4  # GGML_MAX_DIMS
MAX_TENSOR_NAME = 64  # GGML_MAX_NAME; longer names are skipped, not read
MAX_LAYERS = 4096
KEPT_ARRAY_ITEMS = 64  # longer arrays are checked and skipped, not kept

# GGUF value types: (struct format, size) for the fixed-size ones.
_SCALARS: dict[int, tuple[str, int]] = {
    0: ("<B", 1),
    1: ("<b", 1),
    2: ("<H", 2),
    3: ("<h", 2),
    4: ("<I", 4),
    5: ("<i", 4),
    6: ("<f", 4),
    7: ("<?", 1),
    10: ("<Q", 8),
    11: ("<q", 8),
    12: ("<d", 8),
}
_STRING, _ARRAY = 8, 9

# ggml tensor types: (elements per block, bytes per block), from ggml's type traits.
_GGML_BLOCKS: dict[int, tuple[int, int]] = {
    0: (1, 4),
    1: (1, 2),
    2: (32, 18),
    3: (32, 20),
    6: (32, 22),
    7: (32, 24),
    8: (32, 34),
    9: (32, 36),
    10: (256, 84),
    11: (256, 110),
    12: (256, 144),
    13: (256, 176),
    14: (256, 210),
    15: (256, 292),
    16: (256, 66),
    17: (256, 74),
    18: (256, 98),
    19: (256, 50),
    20: (32, 18),
    21: (256, 110),
    22: (256, 82),
    23: (256, 136),
    24: (1, 1),
    25: (1, 2),
    26: (1, 4),
    27: (1, 8),
    28: (1, 8),
    29: (256, 56),
    30: (1, 2),
    34: (256, 54),
    35: (256, 66),
    39: (32, 17),
}

MetadataValue = int | float | bool | str | list[object]


@dataclass(frozen=True)
class GGUFInfo:
    path: Path
    version: int
    file_size: int
    tensor_count: int
    data_offset: int
    data_end: int  # bytes the tensors need; <= file_size for a whole file
    metadata: dict[str, MetadataValue] = field(repr=False)
    array_lengths: dict[str, int] = field(repr=False)

    @property
    def architecture(self) -> str:
        value = self.metadata.get("general.architecture")
        return value if isinstance(value, str) else "unknown"

    @property
    def name(self) -> str:
        value = self.metadata.get("general.name")
        return value if isinstance(value, str) and value.strip() else self.path.stem

    @property
    def context_length(self) -> int | None:
        value = self.metadata.get(f"{self.architecture}.context_length")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def shape(self) -> ModelShape | None:
        """Layers and KV-cache geometry for memory estimates; None if the header lacks them."""
        arch = self.architecture
        layers = self._int(f"{arch}.block_count")
        heads = self._int(f"{arch}.attention.head_count")
        kv_heads = self._int(f"{arch}.attention.head_count_kv") or heads
        head_dim = self._int(f"{arch}.attention.key_length")
        embedding = self._int(f"{arch}.embedding_length")
        if head_dim is None and embedding and heads:
            head_dim = embedding // heads
        if not (layers and kv_heads and head_dim):
            return None
        return ModelShape(self.file_size, layers, kv_heads, head_dim)

    def _int(self, key: str) -> int | None:
        value = self.metadata.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    @property
    def chat_template(self) -> str | None:
        value = self.metadata.get("tokenizer.chat_template")
        return value if isinstance(value, str) and value.strip() else None


class _Reader:
    def __init__(self, stream: BinaryIO, size: int, path: Path) -> None:
        self._stream = stream
        self._size = size
        self._path = path

    def tell(self) -> int:
        return self._stream.tell()

    def read(self, count: int) -> bytes:
        if count < 0 or self.tell() + count > self._size:
            raise self.truncated()
        data = self._stream.read(count)
        if len(data) != count:
            raise self.truncated()
        return data

    def skip(self, count: int) -> None:
        if count < 0 or self.tell() + count > self._size:
            raise self.truncated()
        self._stream.seek(count, 1)

    def unpack(self, fmt: str, size: int) -> int | float | bool:
        value: int | float | bool = struct.unpack(fmt, self.read(size))[0]
        return value

    def u32(self) -> int:
        return int(self.unpack("<I", 4))

    def u64(self) -> int:
        return int(self.unpack("<Q", 8))

    def string_length(self) -> int:
        length = self.u64()
        if length > MAX_STRING_BYTES:
            raise self.invalid(f"a text field claims {length:,} bytes")
        return length

    def string(self) -> str:
        return self.read(self.string_length()).decode("utf-8", "replace")

    def truncated(self) -> ModelError:
        return ModelError(
            f"The model file {self._path.name} is truncated or incomplete "
            f"({self._size:,} bytes). Download or copy it again."
        )

    def invalid(self, why: str) -> ModelError:
        return ModelError(f"The model file {self._path.name} is not a valid GGUF file: {why}.")


def read_gguf_info(path: Path) -> GGUFInfo:
    """Parse and check the header of `path`; raise ModelError with a clear reason."""
    path = Path(path)
    if not path.exists():
        raise ModelError(f"Model file not found: {path}")
    if not path.is_file():
        raise ModelError(f"Not a model file (it is a folder or device): {path}")
    try:
        size = path.stat().st_size
        with path.open("rb") as stream:
            return _parse(_Reader(stream, size, path), path, size)
    except OSError as exc:
        raise ModelError(f"Cannot read the model file {path}: {exc.strerror or exc}") from exc


def _parse(reader: _Reader, path: Path, size: int) -> GGUFInfo:
    if size < 24:
        if size >= 4 and reader.read(4) != GGUF_MAGIC:
            raise reader.invalid("it does not start with the GGUF signature")
        raise reader.truncated()
    if reader.read(4) != GGUF_MAGIC:
        raise reader.invalid("it does not start with the GGUF signature")
    version = reader.u32()
    if version not in (2, 3):
        raise reader.invalid(f"unsupported GGUF version {version}")
    tensor_count = reader.u64()
    kv_count = reader.u64()
    if tensor_count > MAX_TENSOR_COUNT or kv_count > MAX_KV_COUNT:
        raise reader.invalid(f"implausible counts ({tensor_count:,} tensors, {kv_count:,} keys)")

    metadata: dict[str, MetadataValue] = {}
    array_lengths: dict[str, int] = {}
    for _ in range(kv_count):
        key = reader.string()
        value_type = reader.u32()
        if value_type == _ARRAY:
            item_type = reader.u32()
            count = reader.u64()
            if count > MAX_ARRAY_ITEMS:
                raise reader.invalid(f"array {key!r} claims {count:,} items")
            array_lengths[key] = count
            items = _read_array(reader, item_type, count, keep=count <= KEPT_ARRAY_ITEMS)
            if items is not None:
                metadata[key] = items
        else:
            metadata[key] = _read_value(reader, value_type)

    alignment = metadata.get("general.alignment", 32)
    if not isinstance(alignment, int) or alignment <= 0 or alignment & (alignment - 1):
        raise reader.invalid(f"bad alignment {alignment!r}")

    data_needed = 0
    highest_block = -1
    for _ in range(tensor_count):
        name_length = reader.string_length()
        if name_length <= MAX_TENSOR_NAME:
            highest_block = max(highest_block, _block_index(reader.read(name_length)))
        else:
            reader.skip(name_length)
        n_dims = reader.u32()
        if not 1 <= n_dims <= MAX_DIMS:
            raise reader.invalid(f"a tensor has {n_dims} dimensions")
        elements = 1
        for _ in range(n_dims):
            dim = reader.u64()
            if dim == 0 or dim > 1 << 40:
                raise reader.invalid(f"a tensor dimension is {dim:,}")
            elements *= dim
        ggml_type = reader.u32()
        offset = reader.u64()
        if offset % alignment:
            raise reader.invalid("a tensor is not aligned")
        block = _GGML_BLOCKS.get(ggml_type)
        nbytes = (elements // block[0]) * block[1] if block else 0
        data_needed = max(data_needed, offset + nbytes)

    _check_block_count(reader, metadata, highest_block)
    data_offset = -(-reader.tell() // alignment) * alignment
    data_end = data_offset + data_needed
    if data_end > size:
        raise reader.truncated()
    return GGUFInfo(
        path, version, size, tensor_count, data_offset, data_end, metadata, array_lengths
    )


def _block_index(name: bytes) -> int:
    """N for a tensor named `blk.N.…`, else -1."""
    if not name.startswith(b"blk."):
        return -1
    number = name[4:].split(b".", 1)[0]
    return int(number) if number.isdigit() and len(number) < 6 else -1


def _check_block_count(reader: _Reader, metadata: dict[str, MetadataValue], highest: int) -> None:
    """The layer count drives llama.cpp's allocations: it must match the layers present.

    llama.cpp crashes outright (not an error) on an absurd `block_count`.
    A few layers without tensors are tolerated (llama.cpp then refuses the
    file cleanly); more than that is not a real model.
    """
    architecture = metadata.get("general.architecture")
    count = metadata.get(f"{architecture}.block_count")
    if not isinstance(count, int) or isinstance(count, bool):
        return
    if count < 1 or count > MAX_LAYERS or (highest >= 0 and count > highest + 1 + 8):
        raise reader.invalid(
            f"implausible layer count {count:,} (the file has {highest + 1} layers)"
        )


def _read_value(reader: _Reader, value_type: int) -> MetadataValue:
    if value_type == _STRING:
        return reader.string()
    scalar = _SCALARS.get(value_type)
    if scalar is None:
        raise reader.invalid(f"unknown value type {value_type}")
    return reader.unpack(*scalar)


def _read_array(reader: _Reader, item_type: int, count: int, *, keep: bool) -> list[object] | None:
    if item_type == _ARRAY:
        raise reader.invalid("nested arrays are not supported")
    if keep:
        return [_read_value(reader, item_type) for _ in range(count)]
    if item_type == _STRING:
        for _ in range(count):
            reader.skip(reader.string_length())
    else:
        scalar = _SCALARS.get(item_type)
        if scalar is None:
            raise reader.invalid(f"unknown array type {item_type}")
        reader.skip(scalar[1] * count)
    return None
