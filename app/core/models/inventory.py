"""The models this installation can use: the starter, downloads, imports, other tools' files.

Downloads and imports are recorded in `models/registry.json`, written
atomically. A registry that cannot be read is not taken for an empty one (the
next write would lose every entry): it is set aside as
`registry.json.broken-<time>` and the user is warned. An imported
file is used where it is (a 5 GB model is not copied); removing it only
forgets it. Models found in Ollama's store or LM Studio's folder are listed
on every call and are never modified or deleted by Confidente.

Embedding models (for the documents' index) are listed here too, apart from
the chat models: the built-in one, and each complete folder under
`models/embedders/` (see `app.core.models.embedders`).
"""

from __future__ import annotations

import json
import logging
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from app.core import atomic
from app.core.documents.embedder import embedders_folder
from app.core.errors import ModelError
from app.core.models.embedders import InstalledEmbedder, installed_embedders
from app.core.models.external import discover_external_models
from app.core.models.starter import starter_path

Source = Literal["starter", "download", "import", "ollama", "lmstudio"]
STARTER_ID = "starter"
_log = logging.getLogger("confidente.models")


@dataclass(frozen=True)
class InstalledModel:
    id: str
    name: str
    path: Path
    source: Source
    size_bytes: int
    present: bool
    sha256: str | None = None  # known for the starter and downloads

    @property
    def removable_file(self) -> bool:
        """Only files Confidente downloaded itself are deleted on removal."""
        return self.source == "download"

    def to_json(self, active: bool = False) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "path": str(self.path),
            "source": self.source,
            "size_bytes": self.size_bytes,
            "present": self.present,
            "sha256": self.sha256,
            "active": active,
        }


class Inventory:
    _lock = threading.Lock()

    def __init__(self, models_dir: Path, home: Path | None = None) -> None:
        self.models_dir = models_dir
        self.registry_file = models_dir / "registry.json"
        self._home = home
        self.warnings: list[str] = []  # registries set aside, for the user

    def check(self) -> list[str]:
        """Read the registry once (at start), setting it aside if broken; the warnings so far."""
        with self._lock:
            self._records()
        return list(self.warnings)

    def models(self, *, external: bool = True) -> list[InstalledModel]:
        starter = starter_path(self.models_dir)
        found = [
            InstalledModel(
                STARTER_ID,
                "Gemma 3 270M (starter)",
                starter,
                "starter",
                _size(starter),
                True,  # assembled from its packages on first use
            )
        ]
        for record in self._records():
            path = Path(record["path"])
            found.append(
                InstalledModel(
                    record["id"],
                    record.get("name") or path.stem,
                    path,
                    record["source"],
                    _size(path),
                    path.is_file(),
                    record.get("sha256"),
                )
            )
        if external:
            known = {m.path.resolve() for m in found if m.present}
            for model in discover_external_models(self._home):
                if model.path.resolve() not in known:
                    found.append(
                        InstalledModel(
                            model.id,
                            model.name,
                            model.path,
                            model.source,  # type: ignore[arg-type]
                            model.size_bytes,
                            True,
                        )
                    )
        return found

    def find(self, name: str) -> InstalledModel:
        """A model by id, name, file name or path; ModelError naming the choices otherwise."""
        wanted = name.strip()
        models = self.models()
        for model in models:
            if wanted in (model.id, model.name, model.path.name, str(model.path)):
                return model
        lowered = wanted.lower()
        matches = [m for m in models if m.id.lower() == lowered or m.path.stem.lower() == lowered]
        if len(matches) == 1:
            return matches[0]
        raise ModelError(
            f"No installed model is called {name!r}. Installed: "
            + ", ".join(m.id for m in models)
            + ". See `confidente models list`."
        )

    def find_by_path(self, path: Path) -> InstalledModel | None:
        resolved = path.expanduser().resolve()
        return next((m for m in self.models() if m.path.expanduser().resolve() == resolved), None)

    def record(
        self, id: str, name: str, path: Path, source: Source, sha256: str | None = None
    ) -> InstalledModel:
        with self._lock:
            records = [r for r in self._records() if r["id"] != id and r["path"] != str(path)]
            records.append(
                {
                    "id": id,
                    "name": name,
                    "path": str(path),
                    "source": source,
                    "sha256": sha256,
                    "added": time.time(),
                }
            )
            self._write(records)
        return InstalledModel(id, name, path, source, _size(path), path.is_file(), sha256)

    def unique_id(self, stem: str) -> str:
        taken = {m.id for m in self.models()}
        base = stem.lower().replace(" ", "-") or "model"
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base}-{n}", n + 1
        return candidate

    @staticmethod
    def check_removable(model: InstalledModel) -> None:
        if model.source == STARTER_ID:
            raise ModelError("The starter model ships with Confidente and cannot be removed.")
        if model.source in ("ollama", "lmstudio"):
            raise ModelError(
                f"{model.name} belongs to {'Ollama' if model.source == 'ollama' else 'LM Studio'}; "
                "remove it there. Confidente never deletes other tools' files."
            )

    def remove(self, model: InstalledModel) -> None:
        """Forget `model`; delete its file only if Confidente downloaded it."""
        self.check_removable(model)
        with self._lock:
            self._write([r for r in self._records() if r["id"] != model.id])
        if model.removable_file and model.path.parent == self.models_dir:
            model.path.unlink(missing_ok=True)

    # Embedding models

    def embedders(self) -> list[InstalledEmbedder]:
        """The built-in embedding model, then the downloaded ones."""
        return installed_embedders(self.models_dir)

    def find_embedder(self, name: str) -> InstalledEmbedder:
        """An embedding model by id or name; ModelError naming the choices otherwise."""
        wanted = name.strip().lower()
        embedders = self.embedders()
        for embedder in embedders:
            if wanted in (embedder.id.lower(), embedder.name.lower()):
                return embedder
        raise ModelError(
            f"No installed embedding model is called {name!r}. Installed: "
            + ", ".join(e.id for e in embedders)
            + ". See `confidente models list`."
        )

    def remove_embedder(self, embedder: InstalledEmbedder) -> None:
        """Delete a downloaded embedding model's folder (the built-in one cannot go)."""
        if not embedder.removable:
            raise ModelError(f"{embedder.name} ships with Confidente and cannot be removed.")
        folder = embedders_folder(self.models_dir) / embedder.id
        if embedder.path.resolve() == folder.resolve():
            shutil.rmtree(folder)

    def _records(self) -> list[dict[str, Any]]:
        try:
            raw = json.loads(self.registry_file.read_text(encoding="utf-8"))
            items = raw.get("models") if isinstance(raw, dict) else None
            if not isinstance(items, list):
                raise ValueError("no list of models in it")
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as exc:  # UnicodeDecodeError is a ValueError
            self._set_aside(exc)
            return []
        return [
            r
            for r in items
            if isinstance(r, dict)
            and isinstance(r.get("id"), str)
            and isinstance(r.get("path"), str)
            and r.get("source") in ("download", "import")
            and r["path"] != str(starter_path(self.models_dir))
        ]

    def _write(self, records: list[dict[str, Any]]) -> None:
        atomic.write_json(self.registry_file, {"version": 1, "models": records})

    def _set_aside(self, problem: Exception) -> None:
        kept = self.registry_file.with_name(
            f"{self.registry_file.name}.broken-{time.strftime('%Y%m%d-%H%M%S')}"
        )
        try:
            self.registry_file.replace(kept)
        except OSError as exc:
            raise ModelError(
                f"The list of downloaded and imported models ({self.registry_file}) cannot be "
                f"read ({problem}) nor moved aside ({exc}). Move it away by hand."
            ) from exc
        message = (
            f"The list of downloaded and imported models could not be read ({problem}); "
            f"it was kept as {kept.name} and the list starts empty. The model files are "
            "still in the models folder: import them again to list them."
        )
        _log.warning(message)
        self.warnings.append(message)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
