"""A local HTTP server standing in for the Hugging Face Hub (there is no internet here).

It answers the two requests huggingface-hub makes for a download, as the Hub
does: `HEAD /{repo}/resolve/{revision}/{file}` with the LFS checksum and size
in `X-Linked-Etag` / `X-Linked-Size`, and `GET` of the same path with `Range`
support (206 Partial Content). Error answers carry the Hub's `X-Error-Code`
header, from which huggingface-hub raises its typed errors. Files can be
gated (a bearer token required) and throttled, so a test can pause mid-way.
Point the app at it with `HF_ENDPOINT=<endpoint>`.

Like the Hub, which sends large files' bytes from a CDN on another host, it can
answer with a redirect (302 and the file's headers) to a second stand-in:
`hub.redirect_to(cdn)` sends clients to `http://localhost:<cdn port>` while the
Hub itself is `http://127.0.0.1:<port>`, so the CDN is another host.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType

COMMIT = "0123456789abcdef0123456789abcdef01234567"
_CHUNK = 64 * 1024


@dataclass
class HostedFile:
    data: bytes | Path
    sha256: str  # what the Hub advertises (the LFS object id)
    gated_token: str | None = None  # the bearer token this file needs, if gated
    bytes_per_second: float | None = None

    @property
    def size(self) -> int:
        return self.data.stat().st_size if isinstance(self.data, Path) else len(self.data)

    def read(self, start: int) -> bytes:
        if isinstance(self.data, Path):
            with self.data.open("rb") as source:
                source.seek(start)
                return source.read()
        return self.data[start:]


@dataclass
class Request:
    method: str
    path: str
    range: str | None
    authorization: str | None


@dataclass
class _State:
    files: dict[str, HostedFile] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    redirect_to: str | None = None  # an origin to send every file request to


class HubStandIn:
    """`with HubStandIn() as hub: hub.add_file(...); os.environ["HF_ENDPOINT"] = hub.endpoint`."""

    def __init__(self) -> None:
        self._state = _State()
        state = self._state

        class Handler(_Handler):
            hub_state = state

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="hub-standin", daemon=True
        )

    @property
    def endpoint(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def requests(self) -> list[Request]:
        with self._state.lock:
            return list(self._state.requests)

    def add_file(
        self,
        repo: str,
        file: str,
        data: bytes | Path,
        *,
        sha256: str | None = None,
        gated_token: str | None = None,
        bytes_per_second: float | None = None,
    ) -> HostedFile:
        """Host `data`; `sha256` is what the Hub claims (the real one unless a test lies)."""
        if sha256 is None:
            sha256 = _sha256(data)
        hosted = HostedFile(data, sha256, gated_token, bytes_per_second)
        self._state.files[f"/{repo}/resolve/main/{file}"] = hosted
        self._state.files[f"/{repo}/resolve/{COMMIT}/{file}"] = hosted
        return hosted

    def redirect_to(self, other: HubStandIn) -> None:
        """Answer file requests with a redirect to `other`, reached by another host name."""
        port = other._server.server_address[1]
        self._state.redirect_to = f"http://localhost:{port}"

    def pin(self, repo: str, file: str, revision: str) -> None:
        """Serve the file at `revision` as well (catalog entries pin a commit)."""
        self._state.files[f"/{repo}/resolve/{revision}/{file}"] = self._state.files[
            f"/{repo}/resolve/main/{file}"
        ]

    def __enter__(self) -> HubStandIn:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


class _Handler(BaseHTTPRequestHandler):
    hub_state: _State
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the tests read `HubStandIn.requests` instead."""

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def do_GET(self) -> None:
        self._answer(body=True)

    def _answer(self, *, body: bool) -> None:
        state = self.hub_state
        with state.lock:
            state.requests.append(
                Request(
                    self.command,
                    self.path,
                    self.headers.get("Range"),
                    self.headers.get("Authorization"),
                )
            )
        hosted = state.files.get(self.path.split("?")[0])
        if hosted is None:
            code = "RepoNotFound" if "/resolve/" not in self.path else "EntryNotFound"
            return self._error(404, code, "Entry not found")
        if hosted.gated_token and self.headers.get("Authorization") != (
            f"Bearer {hosted.gated_token}"
        ):
            return self._error(401, "GatedRepo", "Access to this model is restricted.")
        size = hosted.size
        start = 0
        match = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range") or "")
        if match and self.command == "GET":
            start = int(match[1])
            if start >= size:
                return self._error(416, None, "Range not satisfiable")
        if state.redirect_to:
            return self._redirect(hosted, state.redirect_to + self.path)
        self.send_response(206 if start else 200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(size - start))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("ETag", f'"{hosted.sha256}"')
        self.send_header("X-Linked-Etag", f'"{hosted.sha256}"')
        self.send_header("X-Linked-Size", str(size))
        self.send_header("X-Repo-Commit", COMMIT)
        if start:
            self.send_header("Content-Range", f"bytes {start}-{size - 1}/{size}")
        self.end_headers()
        if not body:
            return
        data = hosted.read(start)
        try:
            for offset in range(0, len(data), _CHUNK):
                self.wfile.write(data[offset : offset + _CHUNK])
                if hosted.bytes_per_second:
                    time.sleep(_CHUNK / hosted.bytes_per_second)
        except (BrokenPipeError, ConnectionResetError):
            return  # the client paused or cancelled

    def _redirect(self, hosted: HostedFile, location: str) -> None:
        """The Hub's answer for a file kept on its CDN: the file's headers and where it is."""
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("X-Linked-Etag", f'"{hosted.sha256}"')
        self.send_header("X-Linked-Size", str(hosted.size))
        self.send_header("X-Repo-Commit", COMMIT)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _error(self, status: int, code: str | None, message: str) -> None:
        body = message.encode()
        self.send_response(status)
        if code:
            self.send_header("X-Error-Code", code)
            self.send_header("X-Error-Message", message)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(body)


def _sha256(data: bytes | Path) -> str:
    if isinstance(data, Path):
        digest = hashlib.sha256()
        with data.open("rb") as source:
            while block := source.read(1 << 20):
                digest.update(block)
        return digest.hexdigest()
    return hashlib.sha256(data).hexdigest()
