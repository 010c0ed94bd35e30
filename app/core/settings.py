"""The one settings model: typed, versioned, validated, with defaults.

Stored as JSON in the config folder. A file that cannot be read is kept aside
(never overwritten) and the defaults are used, with a warning for the user;
a single invalid value falls back to its default the same way.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Final

from app.core import atomic
from app.core.errors import SettingsError

SETTINGS_VERSION = 1

DEFAULT_SYSTEM_PROMPT = (
    "You are Confidente, a helpful assistant running privately on this computer. "
    "Answer clearly and concisely, in the language of the question."
)


@dataclass(frozen=True)
class Settings:
    model_path: str | None = None  # None: the starter model
    context_length: int = 4096
    gpu_layers: int | None = None  # None: all layers when a GPU backend exists, else 0
    threads: int | None = None  # None: physical cores
    temperature: float = 0.7
    top_p: float = 0.95
    repeat_penalty: float = 1.1
    max_tokens: int = 512
    system_prompt: str = DEFAULT_SYSTEM_PROMPT
    # None: the built-in all-MiniLM-L6-v2; else a downloaded catalog embedder's id
    # ("paraphrase-multilingual-minilm-l12-v2") or a sentence-transformers folder. Used by
    # new libraries and by re-indexing; see _embedder_choice for what is checked where.
    embedding_model: str | None = None
    chunk_size: int = 800  # characters; chosen by measuring recall (python -m bench.chunking)
    chunk_overlap: int = 0  # measured: overlap added passages without finding more pages
    sources: int = 5  # excerpts given to the model for a document answer
    theme: str = "system"  # one of THEMES
    language: str = "system"  # one of LANGUAGES; used from the next start
    font_size: int | None = None  # points; None: the system's size
    version: int = field(default=SETTINGS_VERSION)

    def validated(self) -> Settings:
        """Return self, or raise InvalidSettingError naming the first invalid value."""
        for name, check in _CHECKS.items():
            problem = check(getattr(self, name))
            if problem:
                raise InvalidSettingError(
                    name, f"Invalid setting {name} = {getattr(self, name)!r}: {problem}."
                )
        if self.chunk_overlap * 2 > self.chunk_size:
            raise InvalidSettingError(
                "chunk_overlap",
                f"Invalid setting chunk_overlap = {self.chunk_overlap}: it must be at most half "
                f"of chunk_size ({self.chunk_size}).",
            )
        if self.max_tokens >= self.context_length:
            raise InvalidSettingError(
                "max_tokens",
                f"Invalid setting max_tokens = {self.max_tokens}: it must be smaller than "
                f"context_length ({self.context_length}).",
            )
        return self

    def updated(self, **changes: Any) -> Settings:
        unknown = set(changes) - {f.name for f in fields(self)}
        if unknown:
            raise SettingsError(f"Unknown setting: {', '.join(sorted(unknown))}.")
        return replace(self, **changes).validated()

    def changes_since(self, earlier: Settings) -> dict[str, Any]:
        """The values that differ from `earlier`, as `updated(**changes)` takes them."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if getattr(self, f.name) != getattr(earlier, f.name)
        }


class InvalidSettingError(SettingsError):
    """One value is refused; `name` says which, so a form can point at its field."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


THEMES: Final = ("system", "light", "dark")
LANGUAGES: Final = ("system", "en", "es")

# What a change needs before it shows, for front ends to act on and tell the user.
MODEL_LOAD_SETTINGS: Final = frozenset({"model_path", "context_length", "gpu_layers", "threads"})
INDEXING_SETTINGS: Final = frozenset({"embedding_model", "chunk_size", "chunk_overlap"})
APPEARANCE_SETTINGS: Final = frozenset({"theme", "font_size"})
NEXT_START_SETTINGS: Final = frozenset({"language"})


@dataclass(frozen=True)
class _IntIn:
    """A whole number from `low` to `high` (or None when optional); forms read the range."""

    low: int
    high: int
    optional: bool = False

    def __call__(self, value: Any) -> str | None:
        if value is None and self.optional:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            return "expected a whole number" + (" or null" if self.optional else "")
        if not self.low <= value <= self.high:
            return f"expected {self.low} to {self.high}"
        return None


@dataclass(frozen=True)
class _FloatIn:
    low: float
    high: float

    def __call__(self, value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "expected a number"
        if not self.low <= float(value) <= self.high:
            return f"expected {self.low} to {self.high}"
        return None


def _one_of(*choices: str) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if value not in choices:
            return "expected one of " + ", ".join(repr(c) for c in choices)
        return None

    return check


def _embedder_choice(value: Any) -> str | None:
    """None, or the name of an embedding model: an id or a folder path, on one line.

    Whether it is installed is checked where it is chosen (`ModelService.use_embedder`,
    the settings dialog) and where it is loaded, not here: a settings file is read
    before anything else exists, and a model deleted since must not cost the user
    their other settings (the loader then says what to do).
    """
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        return "expected the name of an embedding model, or null for the built-in one"
    if len(value) > 4096 or any(ord(c) < 32 for c in value):
        return "expected one line of at most 4096 characters"
    return None


def _optional_text(max_length: int) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            return "expected text"
        if len(value) > max_length:
            return f"longer than {max_length} characters"
        return None

    return check


_CHECKS: dict[str, Callable[[Any], str | None]] = {
    "model_path": _optional_text(4096),
    "context_length": _IntIn(256, 262_144),
    "gpu_layers": _IntIn(-1, 10_000, optional=True),  # -1: all layers
    "threads": _IntIn(1, 1024, optional=True),
    "temperature": _FloatIn(0.0, 2.0),
    "top_p": _FloatIn(0.0, 1.0),
    "repeat_penalty": _FloatIn(1.0, 2.0),
    "max_tokens": _IntIn(1, 262_143),
    "system_prompt": _optional_text(20_000),
    "embedding_model": _embedder_choice,
    "chunk_size": _IntIn(200, 8000),
    "chunk_overlap": _IntIn(0, 4000),
    "sources": _IntIn(1, 20),
    "theme": _one_of(*THEMES),
    "language": _one_of(*LANGUAGES),
    "font_size": _IntIn(8, 32, optional=True),
}


def int_limits(name: str) -> tuple[int, int]:
    """The range a whole-number setting accepts, e.g. for a spin box."""
    check = _CHECKS[name]
    if not isinstance(check, _IntIn):
        raise KeyError(f"{name} is not a whole-number setting")
    return check.low, check.high


def float_limits(name: str) -> tuple[float, float]:
    """The range a decimal setting accepts, e.g. for a spin box."""
    check = _CHECKS[name]
    if not isinstance(check, _FloatIn):
        raise KeyError(f"{name} is not a decimal setting")
    return check.low, check.high


# Migrations from version N to N + 1, applied in order to the raw JSON object.
_MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


@dataclass(frozen=True)
class LoadedSettings:
    settings: Settings
    warnings: tuple[str, ...] = ()


def load_settings(path: Path) -> LoadedSettings:
    if not path.exists():
        return LoadedSettings(Settings())
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict):
            raise ValueError("not a JSON object")
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        kept = _keep_aside(path)
        return LoadedSettings(
            Settings(),
            (
                f"The settings file could not be read ({exc}); defaults are in use. "
                f"The old file was kept as {kept.name}.",
            ),
        )
    return _from_raw(raw)


def _from_raw(raw: dict[str, Any]) -> LoadedSettings:
    warnings: list[str] = []
    version = raw.get("version", 0)
    if not isinstance(version, int) or version > SETTINGS_VERSION:
        warnings.append(
            f"Settings were written by a newer Confidente (version {version}); "
            "unknown values are ignored."
        )
        version = SETTINGS_VERSION
    while version < SETTINGS_VERSION:
        migrate = _MIGRATIONS.get(version)
        raw = migrate(raw) if migrate else raw
        version += 1
    values: dict[str, Any] = {}
    for name, check in _CHECKS.items():
        if name not in raw:
            continue
        problem = check(raw[name])
        if problem:
            warnings.append(f"Setting {name} = {raw[name]!r} was ignored: {problem}.")
        else:
            values[name] = raw[name]
    settings = Settings(**values)
    try:
        settings.validated()
    except SettingsError as exc:
        warnings.append(f"{exc} The default max_tokens is used.")
        settings = replace(
            settings, max_tokens=min(Settings.max_tokens, settings.context_length // 2)
        )
    return LoadedSettings(settings, tuple(warnings))


def save_settings(path: Path, settings: Settings) -> None:
    settings.validated()
    atomic.write_json(path, asdict(settings), indent=2, ensure_ascii=False)


def _keep_aside(path: Path) -> Path:
    kept = path.with_name(f"{path.name}.unreadable-{time.strftime('%Y%m%d-%H%M%S')}")
    try:
        os.replace(path, kept)
    except OSError:
        return path
    return kept
