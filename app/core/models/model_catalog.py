"""The curated catalog: the models we recommend, as data.

The list lives in `app/resources/catalog.json` so it can be reviewed and updated
without touching code. `models` are instruction-tuned GGUF files: each names
the Hugging Face repo and file, its exact size and SHA-256 (checked after
download), licence, languages, and the model's shape, from which the memory it
needs at a context length follows.

`embedders` (catalog version 2; a version 1 file simply has none) are
sentence-transformers models for the documents' index. Such a model is a
folder of files, so an entry lists each file with its size and SHA-256, under
one repo and pinned revision, and says what the model reads: its dimension,
its token window (`max_tokens`) and the prefixes it was trained with. A file
whose SHA-256 could not be taken from a trustworthy source has `"sha256":
null`; the downloader then checks it against the Hub's own checksum for that
pinned revision (the LFS SHA-256, or the git object id of a small file), as it
does for any `owner/repo/file.gguf` download.

`CONFIDENTE_CATALOG` names another catalog file: for tests, and for whoever
curates their own list.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from app.core.errors import ModelError
from app.core.models.fit import ModelShape
from app.core.resources import resources_dir

CATALOG_FILE = "catalog.json"
CATALOG_VARIABLE = "CONFIDENTE_CATALOG"
CATALOG_VERSION = 2  # 2 added "embedders"; newer files are read as far as understood
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


@dataclass(frozen=True)
class EmbedderFile:
    """One file of an embedding model's folder."""

    path: str  # inside the repo and the installed folder, "/"-separated
    size_bytes: int | None  # None: unknown, the Hub's figure is taken
    sha256: str | None  # None: verified against the Hub's own checksum (see module doc)


@dataclass(frozen=True)
class EmbedderEntry:
    """A sentence-transformers model for the documents' index, as a folder of files."""

    id: str
    name: str
    repo: str
    revision: str
    files: tuple[EmbedderFile, ...]
    size_bytes: int  # the download; exact when every file gives its size, else an estimate
    dimension: int
    max_tokens: int  # what the model reads of a passage (its sentence-transformers window)
    query_prefix: str
    passage_prefix: str
    languages: tuple[str, ...]
    licence: str
    summary: str
    kind: Literal["embedder"] = "embedder"

    @property
    def verified_by_catalog(self) -> bool:
        """Whether every file's SHA-256 comes from the catalog (else some from the Hub)."""
        return all(f.sha256 is not None for f in self.files)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "name": self.name,
            "repo": self.repo,
            "revision": self.revision,
            "size_bytes": self.size_bytes,
            "dimension": self.dimension,
            "max_tokens": self.max_tokens,
            "query_prefix": self.query_prefix,
            "passage_prefix": self.passage_prefix,
            "languages": list(self.languages),
            "licence": self.licence,
            "summary": self.summary,
            "files": [
                {"path": f.path, "size_bytes": f.size_bytes, "sha256": f.sha256} for f in self.files
            ],
        }


def catalog_path() -> Path:
    """The catalog file: the packaged one, or the one `CONFIDENTE_CATALOG` names."""
    chosen = os.environ.get(CATALOG_VARIABLE, "").strip()
    return Path(chosen).expanduser() if chosen else resources_dir() / CATALOG_FILE


def load_catalog(path: Path | None = None) -> list[CatalogEntry]:
    """Read and check the catalog; a broken entry is a packaging bug, reported by name."""
    path = path or catalog_path()
    raw = _read(path)
    models = raw.get("models")
    if not isinstance(models, list):
        raise ModelError(f"The model catalog {path} has no list of models.")
    entries = [_entry(item, index) for index, item in enumerate(models)]
    ids = [e.id for e in entries]
    if len(set(ids)) != len(ids):
        raise ModelError(f"The model catalog {path} repeats a model id.")
    return entries


def load_embedders(path: Path | None = None) -> list[EmbedderEntry]:
    """The catalog's embedding models; none in a catalog from before version 2."""
    path = path or catalog_path()
    raw = _read(path)
    items = raw.get("embedders", [])
    if not isinstance(items, list):
        raise ModelError(f"The model catalog {path} has an invalid list of embedders.")
    entries = [_embedder_entry(item, index) for index, item in enumerate(items)]
    ids = [e.id for e in entries]
    models = raw.get("models")
    model_ids = (
        {m.get("id") for m in models if isinstance(m, dict)} if isinstance(models, list) else set()
    )
    if len(set(ids)) != len(ids) or model_ids & set(ids):
        raise ModelError(f"The model catalog {path} repeats a model id.")
    return entries


def _read(path: Path) -> dict[str, Any]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"The model catalog {path} cannot be read: {exc}") from exc
    if not isinstance(raw, dict):
        raise ModelError(f"The model catalog {path} has no list of models.")
    return raw


def find_entry(entries: list[CatalogEntry], name: str) -> CatalogEntry | None:
    wanted = name.strip().lower()
    return next((e for e in entries if wanted in (e.id, e.filename.lower())), None)


def find_embedder(entries: list[EmbedderEntry], name: str) -> EmbedderEntry | None:
    """By id, or by repo (`owner/name`), case-insensitively."""
    wanted = name.strip().lower()
    return next((e for e in entries if wanted in (e.id, e.repo.lower())), None)


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


def _embedder_entry(item: Any, index: int) -> EmbedderEntry:
    if not isinstance(item, dict):
        raise ModelError(f"Catalog embedder {index} is not an object.")
    try:
        if item.get("kind", "embedder") != "embedder":
            raise ValueError("kind must be embedder")
        files = tuple(_embedder_file(f) for f in item["files"])
        entry = EmbedderEntry(
            id=_text(item, "id"),
            name=_text(item, "name"),
            repo=_text(item, "repo"),
            revision=_text(item, "revision"),
            files=files,
            size_bytes=_positive(item, "size_bytes"),
            dimension=_positive(item, "dimension"),
            max_tokens=_positive(item, "max_tokens"),
            query_prefix=str(item.get("query_prefix", "")),
            passage_prefix=str(item.get("passage_prefix", "")),
            languages=tuple(str(code) for code in item.get("languages", ())),
            licence=_text(item, "licence"),
            summary=str(item.get("summary", "")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"Catalog embedder {index} is incomplete: {exc}") from exc
    paths = [f.path for f in entry.files]
    known = [f.size_bytes for f in entry.files if f.size_bytes is not None]
    problems = [
        "id" if not _ID.match(entry.id) else "",
        "files" if len(set(paths)) != len(paths) else "",
        "files (modules.json is required)" if "modules.json" not in paths else "",
        "size_bytes" if len(known) == len(entry.files) and sum(known) != entry.size_bytes else "",
    ]
    bad = [p for p in problems if p]
    if bad:
        raise ModelError(f"Catalog embedder {entry.id!r} has invalid {', '.join(bad)}.")
    return entry


def _embedder_file(item: Any) -> EmbedderFile:
    if not isinstance(item, dict):
        raise ValueError("each file must be an object")
    path = _text(item, "path")
    parts = PurePosixPath(path).parts
    if path.startswith("/") or "\\" in path or ".." in parts or "." in parts or not parts:
        raise ValueError(f"file path {path!r} must stay inside the model folder")
    size = item.get("size_bytes")
    if size is not None:
        size = _positive(item, "size_bytes")
    sha = item.get("sha256")
    if sha is not None:
        if not isinstance(sha, str) or not _SHA256.match(sha.lower()):
            raise ValueError(f"sha256 of {path} must be 64 hex digits or null")
        sha = sha.lower()
    return EmbedderFile(path, size, sha)
