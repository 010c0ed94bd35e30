"""Find GGUF models that Ollama and LM Studio already downloaded, to use them in place.

Both folders belong to other programs and may be huge, half-written, or odd in
any way, so discovery never raises: whatever does not look like a complete GGUF
file is skipped (logged at debug level), and every walk is bounded in depth and
in the number of directory entries it reads.

The checks are cheap on purpose (layout, size, the 4-byte GGUF magic); hashing a
multi-GB blob on every listing would be far too slow. The full header check in
`app.core.models.gguf` still runs before a file is loaded.
"""

from __future__ import annotations

import json
import logging
import os
import re
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger("confidente.models")

OLLAMA = "ollama"
LMSTUDIO = "lmstudio"

GGUF_MAGIC = b"GGUF"
MAX_MANIFEST_BYTES = 1024 * 1024  # real manifests are under 2 KiB
MAX_DIR_ENTRIES = 10_000  # per source: enough for hundreds of models, quick to read

_OLLAMA_MODEL_LAYER = "application/vnd.ollama.image.model"
_OLLAMA_DEFAULT_HOST = "registry.ollama.ai"
_OLLAMA_DEFAULT_NAMESPACE = "library"
# Strict, so that a digest can never name a path outside the blobs folder.
_DIGEST = re.compile(r"sha256:([0-9a-f]{64})")
_SPLIT_SHARD = re.compile(r"(.*)-(\d{5})-of-(\d{5})(\.gguf)", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class ExternalModel:
    """A GGUF file another tool manages; Confidente reads it and never moves or changes it."""

    source: str  # OLLAMA or LMSTUDIO
    name: str  # "llama3.2:3b" (Ollama), "publisher/repo/file.gguf" (LM Studio)
    path: Path  # the GGUF file (for split models, the first shard)
    size_bytes: int  # all shards together

    @property
    def id(self) -> str:
        """Stable id for the CLI and settings: "ollama:llama3.2:3b", "lmstudio:pub/repo/f.gguf"."""
        return f"{self.source}:{self.name}"


def discover_external_models(
    home: Path | None = None, environ: Mapping[str, str] | None = None
) -> list[ExternalModel]:
    """Sorted by source then name. home defaults to Path.home(), environ to os.environ."""
    if home is None:
        try:
            home = Path.home()
        except (RuntimeError, KeyError, OSError):  # no home directory at all
            return []
    env = os.environ if environ is None else environ
    found = [*_ollama_models(ollama_models_dir(home, env)), *_lmstudio_models(home)]
    return sorted(found, key=lambda m: (m.source, m.name, str(m.path)))


def ollama_models_dir(home: Path, environ: Mapping[str, str]) -> Path | None:
    """Ollama's store: OLLAMA_MODELS when set (read as Ollama reads it), else ~/.ollama/models."""
    value = environ.get("OLLAMA_MODELS", "").strip().strip("\"'")
    if not value:
        return home / ".ollama" / "models"
    if value == "~" or value.startswith(("~/", "~\\")):
        return home / value[2:]
    path = Path(value)
    if not path.is_absolute():  # relative to Ollama's working directory, which we cannot know
        log.debug("ignoring relative OLLAMA_MODELS %r", value)
        return None
    return path


def lmstudio_models_dirs(home: Path) -> list[Path]:
    """The current folder first, then the one older LM Studio versions used."""
    return [home / ".lmstudio" / "models", home / ".cache" / "lm-studio" / "models"]


class _Budget:
    """Counts directory entries read, so one enormous folder cannot stall the app."""

    def __init__(self, limit: int) -> None:
        self.left = limit

    def scan(self, folder: Path) -> list[os.DirEntry[str]]:
        """Visible entries of folder, sorted by name; [] once the budget is spent or on error."""
        entries: list[os.DirEntry[str]] = []
        try:
            with os.scandir(folder) as it:
                for entry in it:
                    if self.left <= 0:
                        log.debug("stopped reading %s: over %d entries", folder, MAX_DIR_ENTRIES)
                        break
                    self.left -= 1
                    if not entry.name.startswith("."):
                        entries.append(entry)
        except OSError as exc:
            log.debug("cannot read %s: %s", folder, exc)
        return sorted(entries, key=lambda e: e.name)


def _subdirs(budget: _Budget, folder: Path) -> list[Path]:
    """Real subdirectories only: symlinked ones are not followed (no loops, no escapes)."""
    result = []
    for entry in budget.scan(folder):
        try:
            if entry.is_dir(follow_symlinks=False):
                result.append(Path(entry.path))
        except OSError:
            continue
    return result


def _regular_file_size(path: Path) -> int | None:
    """Size of path if it is (or links to) a regular file; None for FIFOs, devices, loops..."""
    try:
        info = path.stat()
    except (OSError, ValueError):  # ValueError: embedded NUL or a name the OS rejects
        return None
    return info.st_size if stat.S_ISREG(info.st_mode) else None


def _displayable(name: str) -> bool:
    """Names reach menus and the terminal: no control characters, no undecodable bytes."""
    if name.isprintable():
        return True
    log.debug("skipping a model with an unprintable name: %r", name)
    return False


def _starts_with_gguf(path: Path) -> bool:
    try:
        with path.open("rb") as file:
            return file.read(len(GGUF_MAGIC)) == GGUF_MAGIC
    except OSError:
        return False


# --- Ollama ------------------------------------------------------------------


def _ollama_models(store: Path | None) -> Iterator[ExternalModel]:
    if store is None:
        return
    budget = _Budget(MAX_DIR_ENTRIES)
    blobs = store / "blobs"
    # manifests/<host>/<namespace>/<model>/<tag>: a fixed depth, so no recursion.
    for host in _subdirs(budget, store / "manifests"):
        for namespace in _subdirs(budget, host):
            for model in _subdirs(budget, namespace):
                for tag in budget.scan(model):
                    name = _ollama_name(host.name, namespace.name, model.name, tag.name)
                    if not _displayable(name):
                        continue
                    found = _ollama_model(name, Path(tag.path), blobs)
                    if found is not None:
                        yield found


def _ollama_name(host: str, namespace: str, model: str, tag: str) -> str:
    """The shortest name `ollama run` accepts, as `ollama list` shows it."""
    if host != _OLLAMA_DEFAULT_HOST:
        return f"{host}/{namespace}/{model}:{tag}"
    if namespace != _OLLAMA_DEFAULT_NAMESPACE:
        return f"{namespace}/{model}:{tag}"
    return f"{model}:{tag}"


def _ollama_model(name: str, manifest: Path, blobs: Path) -> ExternalModel | None:
    layer = _ollama_model_layer(manifest)
    if layer is None:
        return None
    hex_digest, size = layer
    names = [f"sha256-{hex_digest}"]
    if os.name != "nt":  # older Ollama's name; on Windows a colon would name a data stream
        names.append(f"sha256:{hex_digest}")
    for blob in (blobs / n for n in names):
        actual = _regular_file_size(blob)
        if actual is None:
            continue  # not there under this name; older Ollama used the other one
        if actual != size:
            log.debug("skipping %s: blob is %d bytes, manifest says %d", name, actual, size)
            return None
        if not _starts_with_gguf(blob):
            log.debug("skipping %s: %s is not a GGUF file", name, blob)
            return None
        return ExternalModel(OLLAMA, name, blob, size)
    log.debug("skipping %s: blob sha256-%s is missing", name, hex_digest)
    return None


def _ollama_model_layer(manifest: Path) -> tuple[str, int] | None:
    """(hex digest, size) of the manifest's model layer, or None if there is no usable one."""
    data = _read_small_json(manifest)
    layers = data.get("layers") if isinstance(data, dict) else None
    if not isinstance(layers, list):
        log.debug("skipping %s: not an Ollama manifest", manifest)
        return None
    for layer in layers:
        if not isinstance(layer, dict) or layer.get("mediaType") != _OLLAMA_MODEL_LAYER:
            continue
        digest, size = layer.get("digest"), layer.get("size")
        match = _DIGEST.fullmatch(digest) if isinstance(digest, str) else None
        if match is None or type(size) is not int or size < len(GGUF_MAGIC):
            log.debug("skipping %s: bad model layer %r", manifest, layer)
            return None
        return match.group(1), size
    log.debug("skipping %s: no model layer", manifest)
    return None


def _read_small_json(path: Path) -> Any:
    """Parsed JSON, or None if path is not a regular file, is too big or is not JSON."""
    size = _regular_file_size(path)
    if size is None or size > MAX_MANIFEST_BYTES:
        return None
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_MANIFEST_BYTES + 1)
        if len(raw) > MAX_MANIFEST_BYTES:  # grew since stat
            return None
        return json.loads(raw)
    except (OSError, ValueError, RecursionError):  # RecursionError: absurdly nested JSON
        return None


# --- LM Studio ----------------------------------------------------------------


def _lmstudio_models(home: Path) -> Iterator[ExternalModel]:
    budget = _Budget(MAX_DIR_ENTRIES)
    seen: set[str] = set()  # a model in both folders: the current folder wins
    for root in lmstudio_models_dirs(home):
        # <publisher>/<repo>/<file>.gguf, the layout LM Studio itself lists.
        for publisher in _subdirs(budget, root):
            for repo in _subdirs(budget, publisher):
                files = [e.name for e in budget.scan(repo)]
                for file_name in files:
                    name = f"{publisher.name}/{repo.name}/{file_name}"
                    if name in seen or not _displayable(name):
                        continue
                    found = _lmstudio_model(name, repo / file_name, set(files))
                    if found is not None:
                        seen.add(name)
                        yield found


def _lmstudio_model(name: str, path: Path, siblings: set[str]) -> ExternalModel | None:
    file_name = path.name
    if not file_name.lower().endswith(".gguf"):
        return None
    # Vision projectors ship as mmproj-*.gguf (some repos put the word later in the name);
    # they are not chat models on their own.
    if "mmproj" in file_name.lower():
        return None
    shards = _other_shards(file_name, siblings)
    if shards is None:
        log.debug("skipping %s: a later shard, or shards are missing", path)
        return None
    size = _regular_file_size(path)  # follows a file symlink; a dangling or looping one fails
    if size is None or not _starts_with_gguf(path):
        log.debug("skipping %s: not a readable GGUF file", path)
        return None
    for shard in shards:
        if shard not in siblings or (shard_size := _regular_file_size(path.parent / shard)) is None:
            log.debug("skipping %s: shard %s is missing", path, shard)
            return None
        size += shard_size
    return ExternalModel(LMSTUDIO, name, path, size)


def _other_shards(file_name: str, siblings: set[str]) -> list[str] | None:
    """The other shards' names for the first shard of a split model ("x-00001-of-00003.gguf"),
    [] for an unsplit file, None for a later shard (llama.cpp loads the set from the first)."""
    match = _SPLIT_SHARD.fullmatch(file_name)
    if match is None:
        return []
    stem, index, count, suffix = match.group(1), int(match.group(2)), match.group(3), match.group(4)
    if index != 1 or int(count) > len(siblings):  # a later shard, or shards are missing
        return None
    return [f"{stem}-{i:05d}-of-{count}{suffix}" for i in range(2, int(count) + 1)]
