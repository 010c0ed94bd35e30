"""The curated catalog: instruction-tuned GGUF models we recommend, as data.

The list lives in `resources/catalog.json` so it can be reviewed and updated
without touching code. Each entry names the Hugging Face repo and file, its
exact size and SHA-256 (checked after download), licence, languages, and the
model's shape, from which the memory it needs at a context length follows.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.errors import ModelError
from app.core.models.fit import ModelShape
from app.core.resources import resources_dir

CATALOG_FILE = "catalog.json"
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_SPANISH = ("good", "fair", "basic")


@dataclass(frozen=True)
class CatalogEntry:
    id: str
    name: str
    parameters_b: float
    quantization: str
    repo: str
    file: str
    revision: str
    size_bytes: int
    sha256: str
    licence: str
    gated: bool
    languages: tuple[str, ...]
    spanish: str
    trained_context: int
    shape: ModelShape
    summary: str

    @property
    def filename(self) -> str:
        """The name the downloaded file gets in the models folder."""
        return Path(self.file).name

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "parameters_b": self.parameters_b,
            "quantization": self.quantization,
            "repo": self.repo,
            "file": self.file,
            "size_bytes": self.size_bytes,
            "sha256": self.sha256,
            "licence": self.licence,
            "gated": self.gated,
            "languages": list(self.languages),
            "spanish": self.spanish,
            "trained_context": self.trained_context,
            "summary": self.summary,
        }


def load_catalog(path: Path | None = None) -> list[CatalogEntry]:
    """Read and check the catalog; a broken entry is a packaging bug, reported by name."""
    path = path or resources_dir() / CATALOG_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"The model catalog {path} cannot be read: {exc}") from exc
    models = raw.get("models") if isinstance(raw, dict) else None
    if not isinstance(models, list):
        raise ModelError(f"The model catalog {path} has no list of models.")
    entries = [_entry(item, index) for index, item in enumerate(models)]
    ids = [e.id for e in entries]
    if len(set(ids)) != len(ids):
        raise ModelError(f"The model catalog {path} repeats a model id.")
    return entries


def find_entry(entries: list[CatalogEntry], name: str) -> CatalogEntry | None:
    wanted = name.strip().lower()
    return next((e for e in entries if wanted in (e.id, e.filename.lower())), None)


def _entry(item: Any, index: int) -> CatalogEntry:
    if not isinstance(item, dict):
        raise ModelError(f"Catalog entry {index} is not an object.")
    try:
        entry = CatalogEntry(
            id=_text(item, "id"),
            name=_text(item, "name"),
            parameters_b=float(item["parameters_b"]),
            quantization=_text(item, "quantization"),
            repo=_text(item, "repo"),
            file=_text(item, "file"),
            revision=str(item.get("revision") or "main"),
            size_bytes=_positive(item, "size_bytes"),
            sha256=_text(item, "sha256").lower(),
            licence=_text(item, "licence"),
            gated=bool(item.get("gated", False)),
            languages=tuple(str(code) for code in item.get("languages", ())),
            spanish=_text(item, "spanish"),
            trained_context=_positive(item, "trained_context"),
            shape=ModelShape(
                size_bytes=_positive(item, "size_bytes"),
                layers=_positive(item, "layers"),
                kv_heads=_positive(item, "kv_heads"),
                head_dim=_positive(item, "head_dim"),
            ),
            summary=str(item.get("summary", "")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"Catalog entry {index} is incomplete: {exc}") from exc
    problems = [
        "id" if not _ID.match(entry.id) else "",
        "sha256" if not _SHA256.match(entry.sha256) else "",
        "spanish" if entry.spanish not in _SPANISH else "",
        "file" if ".." in entry.file or not entry.file.endswith(".gguf") else "",
    ]
    bad = [p for p in problems if p]
    if bad:
        raise ModelError(f"Catalog entry {entry.id!r} has invalid {', '.join(bad)}.")
    return entry


def _text(item: dict[str, Any], key: str) -> str:
    value = item[key]
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{key} must be text")
    return value.strip()


def _positive(item: dict[str, Any], key: str) -> int:
    value = item[key]
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{key} must be a positive whole number")
    return value
