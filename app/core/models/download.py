"""Download a model from Hugging Face: progress, resume, pause, cancel, checksum, quarantine.

huggingface-hub resolves the file (URL, redirect, size, the LFS SHA-256 as
its ETag) and streams it with `Range` resumption; we give it a progress meter
that also carries pause and cancel, and keep the partial file ourselves so a
download survives the app being closed:

    models/downloads/NAME.partial       the bytes so far
    models/downloads/NAME.partial.json  what they are (repo, file, revision, checksum)

A finished file is hashed before it is moved into the models folder. A file
whose SHA-256 (or size) is not the one the catalog or the Hub promises is
moved to `models/quarantine/` with a note, and never loaded. When the catalog
gives no SHA-256, the Hub's is used: the LFS object's SHA-256 for a large
file, and for a small file kept in git itself (a model's config.json) its git
object id, a SHA-1 over the content, since that is all the Hub publishes for
it at the pinned revision.

A request may name a destination inside the models folder (`dest`): that is
how the files of an embedding model's folder are fetched one by one (see
`app.core.models.embedders`).

The access token is sent to the Hub only: when the Hub sends the bytes from
another host (its CDN), neither we nor huggingface-hub's HTTP client (which
drops it on a redirect to another origin) pass it on.

This is the only network traffic Confidente makes, and only on the thread
of a download the user started (`privacy.network_allowed`). The Hub library
is kept in offline mode everywhere else; during a download we lift its own
flag, while the process-wide guard still refuses every other thread.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from app import __version__
from app.core import atomic, privacy
from app.core.cancel import CancelToken
from app.core.errors import ConfidenteError, ModelError
from app.core.models.model_catalog import CatalogEntry

DEFAULT_ENDPOINT = "https://huggingface.co"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_HASH_BLOCK = 4 * 1024 * 1024
_REPORT_EVERY = 0.1  # seconds between progress reports
_STREAM_CHUNK = 256 * 1024  # the Hub library's default (10 MB) makes pause answer slowly
_RATE_WINDOW = 5.0  # seconds of history behind the rate and the time left

Stage = Literal["connecting", "downloading", "verifying"]
_GIT_SHA1 = re.compile(r"^[0-9a-f]{40}$")


@dataclass(frozen=True)
class DownloadRequest:
    id: str
    repo: str
    file: str
    revision: str = "main"
    sha256: str | None = None  # None: trust the Hub's LFS checksum
    size_bytes: int | None = None
    name: str = ""
    dest: str = ""  # where the verified file goes, relative to the models folder ("": its name)

    @property
    def filename(self) -> str:
        return Path(self.file).name

    @property
    def target(self) -> str:
        return self.dest or self.filename

    @property
    def key(self) -> str:
        """A flat name, unique among downloads, for its partial and quarantined copies."""
        return self.dest.replace("/", "__") if self.dest else self.filename

    @classmethod
    def from_entry(cls, entry: CatalogEntry) -> DownloadRequest:
        return cls(
            id=entry.id,
            repo=entry.repo,
            file=entry.file,
            revision=entry.revision,
            sha256=entry.sha256,
            size_bytes=entry.size_bytes,
            name=entry.name,
        )

    @classmethod
    def from_hub_path(cls, text: str) -> DownloadRequest:
        """`owner/repo/path/to/file.gguf` (optionally `hf://...`): any GGUF file on the Hub."""
        spec = text.removeprefix("hf://").strip("/")
        parts = spec.split("/")
        if len(parts) < 3 or not spec.endswith(".gguf") or ".." in parts:
            raise ModelError(
                f"{text!r} is neither a catalog model nor a Hub file (owner/repo/file.gguf)."
            )
        repo, file = "/".join(parts[:2]), "/".join(parts[2:])
        return cls(id=Path(file).stem.lower(), repo=repo, file=file, name=Path(file).stem)


@dataclass(frozen=True)
class DownloadProgress:
    id: str
    stage: Stage
    done: int
    total: int | None
    bytes_per_second: float
    seconds_left: float | None
    resumed_from: int = 0


@dataclass(frozen=True)
class Downloaded:
    path: Path
    sha256: str  # verified


@dataclass(frozen=True)
class PartialDownload:
    """A download that was paused or interrupted, ready to resume."""

    request: DownloadRequest
    done: int
    path: Path


class DownloadStopped(ConfidenteError):
    """The user paused (partial kept) or cancelled (partial removed) the download."""

    def __init__(self, message: str, *, paused: bool) -> None:
        super().__init__(message)
        self.paused = paused


class DownloadControl:
    """Pause or cancel a running download from any thread."""

    def __init__(self, token: CancelToken | None = None) -> None:
        self.token = token or CancelToken()
        self.keep_partial = True

    def pause(self) -> None:
        self.keep_partial = True
        self.token.cancel()

    def cancel(self) -> None:
        self.keep_partial = False
        self.token.cancel()


def _origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port: a token goes only where it was meant to (as browsers do)."""
    parts = urllib.parse.urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port


def hub_endpoint() -> str:
    """The Hub's address; `HF_ENDPOINT` points it at a mirror (or a test's local server)."""
    return (os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")


class Downloader:
    def __init__(self, models_dir: Path) -> None:
        self.models_dir = models_dir
        self.partials = models_dir / "downloads"
        self.quarantine = models_dir / "quarantine"

    def partial_path(self, request: DownloadRequest) -> Path:
        return self.partials / f"{request.key}.partial"

    def pending(self) -> list[PartialDownload]:
        """Paused single-file downloads (a folder's files are listed by their folder)."""
        found: list[PartialDownload] = []
        for note in sorted(self.partials.glob("*.partial.json")):
            with contextlib.suppress(OSError, ValueError, TypeError):
                request = DownloadRequest(**json.loads(note.read_text(encoding="utf-8")))
                if request.dest:
                    continue
                data = note.with_suffix("")
                found.append(PartialDownload(request, _size(data), data))
        return found

    def discard(self, request: DownloadRequest) -> None:
        partial = self.partial_path(request)
        partial.unlink(missing_ok=True)
        _note_of(partial).unlink(missing_ok=True)

    def fetch(
        self,
        request: DownloadRequest,
        control: DownloadControl,
        report: Callable[[DownloadProgress], None],
        token: str | None = None,
    ) -> Downloaded:
        """Download (or resume) `request` into the models folder and return the verified file."""
        target = self.models_dir / request.target
        partial = self.partial_path(request)
        self.partials.mkdir(parents=True, exist_ok=True)
        self._start_note(request, partial)
        report(
            DownloadProgress(request.id, "connecting", _size(partial), request.size_bytes, 0, None)
        )
        try:
            expected, expected_size = self._transfer(request, partial, control, report, token)
            sha256 = self._verify(request, partial, expected, expected_size, control, report)
        except DownloadStopped:
            if not control.keep_partial:
                self.discard(request)
            raise
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(partial, target)
        _note_of(partial).unlink(missing_ok=True)
        return Downloaded(target, sha256)

    def _start_note(self, request: DownloadRequest, partial: Path) -> None:
        note = _note_of(partial)
        with contextlib.suppress(OSError, ValueError, TypeError):
            if DownloadRequest(**json.loads(note.read_text(encoding="utf-8"))) != request:
                partial.unlink(missing_ok=True)  # bytes of another file under this name
        if not note.exists() and partial.exists():
            partial.unlink()  # bytes nobody can vouch for
        atomic.write_json(note, asdict(request))

    def _transfer(
        self,
        request: DownloadRequest,
        partial: Path,
        control: DownloadControl,
        report: Callable[[DownloadProgress], None],
        token: str | None,
    ) -> tuple[Digest, int | None]:
        from huggingface_hub import errors as hub_errors
        from huggingface_hub.file_download import get_hf_file_metadata, hf_hub_url, http_get
        from huggingface_hub.utils._headers import build_hf_headers

        endpoint = hub_endpoint()
        url = hf_hub_url(request.repo, request.file, revision=request.revision, endpoint=endpoint)
        auth: str | bool = token or False
        with privacy.network_allowed(), _hub_online():
            try:
                meta = get_hf_file_metadata(url, token=auth, endpoint=endpoint)
                expected = _expected_digest(request, meta.etag)
                size = request.size_bytes or meta.size
                if request.size_bytes and meta.size and meta.size != request.size_bytes:
                    raise ModelError(
                        f"The Hub's {request.filename} is {meta.size:,} bytes, not the "
                        f"{request.size_bytes:,} the catalog lists; it was not downloaded."
                    )
                resume = _size(partial)
                if size is not None and resume > size:
                    partial.unlink()
                    resume = 0
                if size is not None:
                    check_disk_space(self.models_dir, size - resume, request.filename)
                meter = _Meter(request.id, resume, size, control, report)
                headers = build_hf_headers(
                    token=auth, library_name="confidente", library_version=__version__
                )
                if _origin(meta.location) != _origin(url):
                    headers.pop("authorization", None)  # the token is for the Hub, not its CDN
                with partial.open("ab") as out:
                    http_get(
                        meta.location,
                        out,
                        resume_size=resume,
                        headers=headers,
                        expected_size=size,
                        displayed_filename=request.filename,
                        tqdm_class=meter.bar,  # type: ignore[arg-type]
                    )
                    out.flush()
                    os.fsync(out.fileno())
            except DownloadStopped:
                raise
            except hub_errors.GatedRepoError as error:
                raise ModelError(
                    f"{request.repo} is gated: accept its licence on huggingface.co with your "
                    "account, then add an access token (Models → Hugging Face token, or "
                    "`confidente models token`).",
                    detail=_scrub(str(error), token),
                ) from error
            except hub_errors.RepositoryNotFoundError as error:
                raise ModelError(
                    f"{request.repo} was not found on the Hub, or it needs an access token.",
                    detail=_scrub(str(error), token),
                ) from error
            except (hub_errors.EntryNotFoundError, hub_errors.RevisionNotFoundError) as error:
                raise ModelError(
                    f"{request.file} was not found in {request.repo}.",
                    detail=_scrub(str(error), token),
                ) from error
            except hub_errors.HfHubHTTPError as error:
                raise ModelError(
                    f"The Hub refused the download of {request.filename}: "
                    f"{_scrub(str(error).splitlines()[0], token)}"
                ) from error
            except (OSError, ValueError) as error:
                why = str(error).splitlines()[0] if str(error) else type(error).__name__
                raise ModelError(
                    f"The download of {request.filename} stopped: {_scrub(why, token)}. "
                    "Download it again to resume.",
                ) from error
            except Exception as error:
                if type(error).__module__.startswith(("httpx", "httpcore")):
                    raise ModelError(
                        f"Could not reach the Hub to download {request.filename} "
                        f"({type(error).__name__}). Check the connection and try again; "
                        "the download resumes where it stopped."
                    ) from error
                raise
        return expected, size

    def _verify(
        self,
        request: DownloadRequest,
        partial: Path,
        expected: Digest,
        expected_size: int | None,
        control: DownloadControl,
        report: Callable[[DownloadProgress], None],
    ) -> str:
        """Hash the finished file; quarantine it unless it is what was promised.

        Returns its SHA-256 (the one recorded, whichever digest was checked).
        """
        total = _size(partial)
        digest = hashlib.sha256()
        git = hashlib.sha1(f"blob {total}\0".encode())  # the git object id of the file
        done = 0
        last = 0.0
        with partial.open("rb") as source:
            while block := source.read(_HASH_BLOCK):
                if control.token.cancelled:
                    raise DownloadStopped("Download stopped.", paused=control.keep_partial)
                digest.update(block)
                if expected.kind == "git-sha1":
                    git.update(block)
                done += len(block)
                now = time.monotonic()
                if now - last >= _REPORT_EVERY or done == total:
                    last = now
                    report(DownloadProgress(request.id, "verifying", done, total, 0.0, None))
        problem = None
        if expected_size is not None and total != expected_size:
            problem = f"it is {total:,} bytes instead of {expected_size:,}"
        elif expected.kind == "sha256" and digest.hexdigest() != expected.value:
            problem = f"its SHA-256 is {digest.hexdigest()}, expected {expected.value}"
        elif expected.kind == "git-sha1" and git.hexdigest() != expected.value:
            problem = f"its git object id is {git.hexdigest()}, expected {expected.value}"
        if problem:
            kept = self._quarantine(request, partial, problem)
            raise ModelError(
                f"{request.filename} failed its integrity check ({problem}). It was moved to "
                f"{kept} and will not be used; download it again."
            )
        return digest.hexdigest()

    def _quarantine(self, request: DownloadRequest, partial: Path, problem: str) -> Path:
        self.quarantine.mkdir(parents=True, exist_ok=True)
        kept = self.quarantine / f"{request.key}.{time.strftime('%Y%m%d-%H%M%S')}"
        os.replace(partial, kept)
        _note_of(partial).unlink(missing_ok=True)
        note = {**asdict(request), "problem": problem, "quarantined": time.time()}
        atomic.write_json(_note_of(kept), note)
        return kept


class _Meter:
    """Progress for huggingface-hub's download loop; pausing or cancelling raises from it."""

    def __init__(
        self,
        id: str,
        resumed_from: int,
        total: int | None,
        control: DownloadControl,
        report: Callable[[DownloadProgress], None],
    ) -> None:
        self._id = id
        self._resumed_from = resumed_from
        self._total = total
        self._control = control
        self._report = report
        self._done = resumed_from
        self._history: list[tuple[float, int]] = [(time.monotonic(), resumed_from)]
        self._last_report = 0.0

    def bar(self, **kwargs: Any) -> _Meter:
        """Called by huggingface-hub in place of a tqdm class."""
        self._done = int(kwargs.get("initial") or self._done)
        self._total = self._total or kwargs.get("total")
        return self

    def __enter__(self) -> _Meter:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, count: int) -> None:
        if self._control.token.cancelled:
            paused = self._control.keep_partial
            raise DownloadStopped(
                "Download paused." if paused else "Download cancelled.", paused=paused
            )
        self._done += count
        now = time.monotonic()
        if now - self._last_report < _REPORT_EVERY and self._done != self._total:
            return
        self._last_report = now
        self._history.append((now, self._done))
        while len(self._history) > 2 and now - self._history[0][0] > _RATE_WINDOW:
            self._history.pop(0)
        (t0, d0) = self._history[0]
        rate = (self._done - d0) / (now - t0) if now > t0 else 0.0
        left = (self._total - self._done) / rate if self._total and rate > 0 else None
        self._report(
            DownloadProgress(
                self._id, "downloading", self._done, self._total, rate, left, self._resumed_from
            )
        )


_online_lock = threading.Lock()


@contextlib.contextmanager
def _hub_online() -> Iterator[None]:
    """Lift huggingface-hub's offline flag for this download (one at a time).

    Also stream in smaller pieces, so progress is smooth and pausing is quick.
    """
    from huggingface_hub import constants

    with _online_lock:
        previous = constants.HF_HUB_OFFLINE, constants.DOWNLOAD_CHUNK_SIZE
        constants.HF_HUB_OFFLINE, constants.DOWNLOAD_CHUNK_SIZE = False, _STREAM_CHUNK
        try:
            yield
        finally:
            constants.HF_HUB_OFFLINE, constants.DOWNLOAD_CHUNK_SIZE = previous


@dataclass(frozen=True)
class Digest:
    """What a finished file is checked against."""

    kind: Literal["sha256", "git-sha1"]
    value: str


def _expected_digest(request: DownloadRequest, etag: str | None) -> Digest:
    """The catalog's SHA-256; else the Hub's: an LFS file's SHA-256, or, for a small file
    kept in git (no LFS object), its git object id."""
    if request.sha256:
        return Digest("sha256", request.sha256)
    if etag and _SHA256.match(etag.lower()):
        return Digest("sha256", etag.lower())
    if etag and _GIT_SHA1.match(etag.lower()):
        return Digest("git-sha1", etag.lower())
    raise ModelError(
        f"The Hub gives no SHA-256 for {request.filename}, so it cannot be verified; "
        "it was not downloaded."
    )


def check_disk_space(folder: Path, needed: int, name: str) -> None:
    free = shutil.disk_usage(folder).free
    if free < needed + 256 * 1024 * 1024:  # leave the disk some room
        raise ModelError(
            f"Not enough disk space for {name}: it needs {needed / 1e9:.1f} GB more, "
            f"and {free / 1e9:.1f} GB are free in {folder}."
        )


def _note_of(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _scrub(text: str, token: str | None) -> str:
    """Never let an access token reach a message or a log."""
    return text.replace(token, "hf_***") if token else text
