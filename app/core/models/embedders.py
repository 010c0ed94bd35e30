"""Embedding models from the catalog: a folder of files, downloaded and installed as one.

A sentence-transformers model is a folder (config, weights, tokenizer,
pooling settings...). Each file goes through the same verified downloader as
a GGUF model (resume, checksum, quarantine on mismatch) into a staging folder:

    models/downloads/<id>.embedder/       the files verified so far
    models/downloads/<id>.embedder.json   what is being fetched, and which files are verified

Once every file is verified, a manifest (`confidente-embedder.json`: what the
model reads, its prefixes, each file's SHA-256) is written into the staging
folder, which is then renamed to `models/embedders/<id>/` in one step. So a
folder there is always complete, and the embedder loader trusts only folders
with a manifest. Pausing keeps the staging folder and the partial file;
running the download again goes on from there. Cancelling removes both.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from app.core import atomic
from app.core.documents.embedder import (
    MANIFEST_FILE,
    STARTER_MANIFEST,
    EmbedderManifest,
    ManifestFile,
    embedder_location,
    embedders_folder,
    read_manifest,
)
from app.core.errors import ModelError
from app.core.models.download import (
    DownloadControl,
    Downloader,
    DownloadProgress,
    DownloadRequest,
    DownloadStopped,
    check_disk_space,
)
from app.core.models.model_catalog import EmbedderEntry

EmbedderSource = Literal["builtin", "download"]


@dataclass(frozen=True)
class InstalledEmbedder:
    """An embedding model this installation can index with."""

    id: str  # what `embedding_model` is set to (the built-in one: its name)
    name: str
    path: Path
    source: EmbedderSource
    size_bytes: int
    manifest: EmbedderManifest

    @property
    def removable(self) -> bool:
        return self.source == "download"

    def to_json(self, active: bool = False) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": "embedder",
            "name": self.name,
            "path": str(self.path),
            "source": self.source,
            "size_bytes": self.size_bytes,
            "dimension": self.manifest.dimension,
            "max_tokens": self.manifest.max_tokens,
            "query_prefix": self.manifest.query_prefix,
            "passage_prefix": self.manifest.passage_prefix,
            "languages": list(self.manifest.languages),
            "licence": self.manifest.licence,
            "active": active,
        }


@dataclass(frozen=True)
class PausedEmbedder:
    """An embedder download that was paused or interrupted, ready to resume."""

    id: str
    name: str
    done: int  # bytes verified or partially downloaded so far
    total: int
    path: Path  # the staging folder


def installed_embedders(models_dir: Path) -> list[InstalledEmbedder]:
    """The built-in model first, then every complete downloaded folder, by id."""
    found = [
        InstalledEmbedder(
            STARTER_MANIFEST.id,
            STARTER_MANIFEST.name,
            embedder_location(None),
            "builtin",
            _folder_size(embedder_location(None)),
            STARTER_MANIFEST,
        )
    ]
    root = embedders_folder(models_dir)
    folders = sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
    for folder in folders:
        manifest = read_manifest(folder)
        if manifest is None or manifest.id != folder.name:
            continue  # not ours, or not finished: the loader refuses it too
        size = sum(f.size_bytes for f in manifest.files)
        found.append(
            InstalledEmbedder(manifest.id, manifest.name, folder, "download", size, manifest)
        )
    return found


class EmbedderInstaller:
    """Downloads catalog embedders into `models/embedders/`, file by file, resumably."""

    def __init__(self, downloader: Downloader) -> None:
        self.downloader = downloader
        self.models_dir = downloader.models_dir

    def staging(self, id: str) -> Path:
        return self.downloader.partials / f"{id}.embedder"

    def _note(self, id: str) -> Path:
        return self.downloader.partials / f"{id}.embedder.json"

    def pending(self) -> list[PausedEmbedder]:
        found: list[PausedEmbedder] = []
        for note in sorted(self.downloader.partials.glob("*.embedder.json")):
            with contextlib.suppress(OSError, ValueError, TypeError, KeyError):
                raw = json.loads(note.read_text(encoding="utf-8"))
                id = str(raw["id"])
                verified = sum(int(v["size_bytes"]) for v in raw["verified"].values())
                partial = sum(
                    p.stat().st_size
                    for p in self.downloader.partials.glob(f"downloads__{id}.embedder__*.partial")
                )
                found.append(
                    PausedEmbedder(
                        id,
                        str(raw["name"]),
                        verified + partial,
                        int(raw["size_bytes"]),
                        self.staging(id),
                    )
                )
        return found

    def discard(self, id: str) -> None:
        """Forget a paused download: its verified files and its partial file."""
        for partial in self.downloader.partials.glob(f"downloads__{id}.embedder__*.partial*"):
            partial.unlink(missing_ok=True)
        shutil.rmtree(self.staging(id), ignore_errors=True)
        self._note(id).unlink(missing_ok=True)

    def install(
        self,
        entry: EmbedderEntry,
        control: DownloadControl,
        report: Callable[[DownloadProgress], None],
        token: str | None = None,
    ) -> Path:
        """Download (or resume) every file of `entry`, verified, then install the folder."""
        if any(f.path == MANIFEST_FILE for f in entry.files):
            raise ModelError(f"Catalog embedder {entry.id} lists a file named {MANIFEST_FILE}.")
        staging = self.staging(entry.id)
        verified = self._verified_so_far(entry)
        staging.mkdir(parents=True, exist_ok=True)
        self._write_note(entry, verified)
        missing = [f for f in entry.files if f.path not in verified]
        check_disk_space(self.models_dir, sum(f.size_bytes or 0 for f in missing), entry.name)
        done = sum(v.size_bytes for v in verified.values())
        try:
            for file in missing:
                request = DownloadRequest(
                    id=entry.id,
                    repo=entry.repo,
                    file=file.path,
                    revision=entry.revision,
                    sha256=file.sha256,
                    size_bytes=file.size_bytes,
                    name=entry.name,
                    dest=f"{staging.relative_to(self.models_dir).as_posix()}/{file.path}",
                )
                fetched = self.downloader.fetch(
                    request, control, _FolderReport(entry, done, report), token
                )
                size = fetched.path.stat().st_size
                verified[file.path] = ManifestFile(file.path, size, fetched.sha256)
                self._write_note(entry, verified)
                done += size
        except DownloadStopped:
            if not control.keep_partial:
                self.discard(entry.id)
            raise
        return self._finish(entry, verified)

    def _finish(self, entry: EmbedderEntry, verified: dict[str, ManifestFile]) -> Path:
        """Write the manifest and move the complete folder into place in one rename."""
        staging = self.staging(entry.id)
        manifest = EmbedderManifest(
            id=entry.id,
            name=entry.name,
            dimension=entry.dimension,
            max_tokens=entry.max_tokens,
            query_prefix=entry.query_prefix,
            passage_prefix=entry.passage_prefix,
            languages=entry.languages,
            licence=entry.licence,
            repo=entry.repo,
            revision=entry.revision,
            files=tuple(verified[f.path] for f in entry.files),
        )
        atomic.write_json(staging / MANIFEST_FILE, manifest.to_json(), ensure_ascii=False)
        final = embedders_folder(self.models_dir) / entry.id
        final.parent.mkdir(parents=True, exist_ok=True)
        if final.exists():  # an earlier copy of ours, replaced by this download
            shutil.rmtree(final)
        os.replace(staging, final)
        self._note(entry.id).unlink(missing_ok=True)
        return final

    def _verified_so_far(self, entry: EmbedderEntry) -> dict[str, ManifestFile]:
        """Files a paused download already verified; everything again if the entry changed."""
        try:
            raw = json.loads(self._note(entry.id).read_text(encoding="utf-8"))
            if (raw["repo"], raw["revision"]) != (entry.repo, entry.revision):
                raise ValueError("another revision")
            listed = {f.path for f in entry.files}
            staging = self.staging(entry.id)
            verified = {
                path: ManifestFile(path, int(v["size_bytes"]), str(v["sha256"]))
                for path, v in raw["verified"].items()
                if path in listed
            }
            return {
                path: file
                for path, file in verified.items()
                if _size(staging / path) == file.size_bytes
            }
        except (OSError, ValueError, TypeError, KeyError):
            self.discard(entry.id)  # nothing we can vouch for
            return {}

    def _write_note(self, entry: EmbedderEntry, verified: dict[str, ManifestFile]) -> None:
        note = self._note(entry.id)
        atomic.write_json(
            note,
            {
                "id": entry.id,
                "name": entry.name,
                "repo": entry.repo,
                "revision": entry.revision,
                "size_bytes": entry.size_bytes,
                "verified": {
                    path: {"size_bytes": f.size_bytes, "sha256": f.sha256}
                    for path, f in verified.items()
                },
            },
        )


class _FolderReport:
    """Turns one file's progress into the whole folder's (bytes over the folder's total)."""

    def __init__(
        self, entry: EmbedderEntry, before: int, report: Callable[[DownloadProgress], None]
    ) -> None:
        self._entry = entry
        self._before = before
        self._report = report

    def __call__(self, progress: DownloadProgress) -> None:
        done = self._before + progress.done
        total = max(self._entry.size_bytes, done)  # an estimate when a size is unknown
        rate = progress.bytes_per_second
        left = (total - done) / rate if rate > 0 else None
        self._report(
            DownloadProgress(
                self._entry.id,
                progress.stage,
                done,
                total,
                rate,
                left,
                self._before + progress.resumed_from,
            )
        )


def _folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
