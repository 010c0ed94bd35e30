"""The `confidente models` commands: list, catalog, download, add, use, remove, token, starter.

They call the same ModelService as the window. `--json` prints exactly one
JSON document on stdout; progress goes to stderr. Ctrl-C during a download
pauses it: the partial file is kept and the same command resumes it.

Embedding models (for the documents' index) go through the same commands:
`list` and `catalog` show them in a section of their own, `download ID`
fetches one as a verified folder, `use ID` makes it the model for new
libraries and re-indexing (`confidente reindex` moves a library to it), and
`remove ID` deletes one.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
import time
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from app.cli.unlocking import open_services

if TYPE_CHECKING:
    from app.core.models.download import DownloadProgress
    from app.core.models.embedders import InstalledEmbedder
    from app.core.services import Services

EXIT_OK, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 130


def register(commands: Any) -> None:
    models = commands.add_parser("models", help="list, get, import and switch models")
    actions = models.add_subparsers(dest="models_command", metavar="ACTION", required=True)

    def action(name: str, help: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = actions.add_parser(name, help=help)
        parser.add_argument("--json", action="store_true", help="print one JSON document")
        return parser

    action("list", "installed models and embedding models (in use marked), paused downloads")
    action("catalog", "recommended models, with how well each fits this computer")
    download = action(
        "download", "download a catalog model or embedding model (or owner/repo/file.gguf)"
    )
    download.add_argument("name", metavar="NAME")
    add = action("add", "import a local .gguf file, used where it is")
    add.add_argument("path", metavar="PATH")
    use = action(
        "use", "make NAME the model for chats and answers (an embedding model: for documents)"
    )
    use.add_argument("name", metavar="NAME")
    remove = action("remove", "forget a model (deleting the file only if Confidente downloaded it)")
    remove.add_argument("name", metavar="NAME")
    token = action("token", "store or forget a Hugging Face token (in the OS keychain only)")
    token.add_argument("token_action", choices=("set", "clear", "status"))
    action("starter", "assemble and verify the starter model")


def run(args: argparse.Namespace) -> int:
    if args.models_command == "starter":
        return _starter(args)
    if args.models_command == "token":
        return _token(args)
    services = _services()
    try:
        return _HANDLERS[args.models_command](services, args)
    finally:
        services.close()


def _services() -> Services:
    return open_services()


def _emit(args: argparse.Namespace, document: Any, text: str) -> int:
    print(json.dumps(document, ensure_ascii=False, indent=1) if args.json else text)
    return EXIT_OK


def _list(services: Services, args: argparse.Namespace) -> int:
    settings = services.settings
    models = services.models.installed()
    pending = services.models.pending_downloads()
    embedders = services.models.installed_embedders()
    paused_embedders = services.models.pending_embedders()
    document = {
        "models": [m.to_json(services.models.is_active(m, settings)) for m in models],
        "downloads": [
            {"id": p.request.id, "done_bytes": p.done, "total_bytes": p.request.size_bytes}
            for p in pending
        ]
        + [{"id": p.id, "done_bytes": p.done, "total_bytes": p.total} for p in paused_embedders],
        "embedders": [
            e.to_json(services.models.is_active_embedder(e, settings)) for e in embedders
        ],
    }
    lines = []
    for m in models:
        mark = "*" if services.models.is_active(m, settings) else " "
        missing = "" if m.present else "  (file missing)"
        lines.append(f"{mark} {m.id:<40} {_gb(m.size_bytes):>8}  {m.source:<8} {m.path}{missing}")
    for p in pending:
        total = p.request.size_bytes or 0
        lines.append(f"  {p.request.id:<40} paused at {_gb(p.done)} of {_gb(total)}")
    lines.append("\nEmbedding models (for documents):")
    for e in embedders:
        mark = "*" if services.models.is_active_embedder(e, settings) else " "
        shape = f"{e.manifest.dimension}-d, reads {e.manifest.max_tokens} tokens"
        lines.append(f"{mark} {e.id:<40} {_gb(e.size_bytes):>8}  {e.source:<8} {shape}")
    for paused in paused_embedders:
        lines.append(f"  {paused.id:<40} paused at {_gb(paused.done)} of {_gb(paused.total)}")
    return _emit(args, document, "\n".join(lines))


def _catalog(services: Services, args: argparse.Namespace) -> int:
    machine = services.models.machine()
    choices = services.models.catalog_choices(services.settings, machine)
    embedder_choices = services.models.embedder_choices()
    document = {
        "machine": {
            "physical_cores": machine.physical_cores,
            "total_memory_bytes": machine.total_memory,
            "available_memory_bytes": machine.available_memory,
            "gpu_offload": machine.gpu_offload,
            "gpus": [
                {"name": g.name, "total_bytes": g.total_bytes, "free_bytes": g.free_bytes}
                for g in machine.gpus
            ],
        },
        "context_length": services.settings.context_length,
        "models": [
            {
                **c.entry.to_json(),
                "fit": c.fit.to_json(),
                "installed": c.installed,
                "partial_bytes": c.partial_bytes,
            }
            for c in choices
        ],
        "embedders": [
            {**e.entry.to_json(), "installed": e.installed, "partial_bytes": e.partial_bytes}
            for e in embedder_choices
        ],
    }
    lines = [
        f"{'model':<32} {'size':>8}  {'fit':<10} {'es':<6} why",
    ]
    for c in choices:
        state = " (installed)" if c.installed else ""
        lines.append(
            f"{c.entry.id:<32} {_gb(c.entry.size_bytes):>8}  {c.fit.verdict.value:<10} "
            f"{c.entry.spanish:<6} {c.fit.reason}{state}"
        )
    lines.append(f"\n{'embedding model (documents)':<32} {'size':>8}  reads")
    for e in embedder_choices:
        state = " (installed)" if e.installed else ""
        languages = f"{len(e.entry.languages)} languages"
        lines.append(
            f"{e.entry.id:<32} {_gb(e.entry.size_bytes):>8}  {e.entry.max_tokens} tokens, "
            f"{languages}, {e.entry.licence}{state}"
        )
    return _emit(args, document, "\n".join(lines))


class _DownloadLine:
    """Bytes, rate and time left on one stderr line, rewritten at most 10 times a second."""

    def __init__(self, quiet: bool) -> None:
        self._quiet = quiet
        self._last = 0.0

    def __call__(self, progress: DownloadProgress) -> None:
        now = time.monotonic()
        finished = progress.total is not None and progress.done >= progress.total
        if self._quiet or (now - self._last < 0.1 and not finished):
            return
        self._last = now
        total = f" of {_gb(progress.total)}" if progress.total else ""
        if progress.stage == "verifying":
            line = f"Verifying SHA-256: {_gb(progress.done)}{total}"
        elif progress.stage == "connecting":
            line = "Connecting to the Hub…"
        else:
            rate = (
                f", {progress.bytes_per_second / 1e6:.1f} MB/s" if progress.bytes_per_second else ""
            )
            left = f", {_duration(progress.seconds_left)} left" if progress.seconds_left else ""
            line = f"Downloading: {_gb(progress.done)}{total}{rate}{left}"
        print(f"\r{line:<70}", end="", file=sys.stderr, flush=True)

    def end(self) -> None:
        if not self._quiet:
            print(file=sys.stderr)


def _download(services: Services, args: argparse.Namespace) -> int:
    from app.core.models.download import DownloadProgress, DownloadStopped
    from app.core.models.embedders import InstalledEmbedder
    from app.core.worker import Failed, Finished, Update

    handle = services.models.download(args.name)
    show = _DownloadLine(args.json or not sys.stderr.isatty())
    started = time.monotonic()
    events = handle.job.events()
    while True:
        try:
            for event in events:
                if isinstance(event, Update) and isinstance(event.value, DownloadProgress):
                    show(event.value)
                elif isinstance(event, Finished):
                    show.end()
                    model = event.result
                    seconds = round(time.monotonic() - started, 2)
                    if isinstance(model, InstalledEmbedder):
                        text = (
                            f"Downloaded and verified: {model.path}\n"
                            f"Use it for documents with: confidente models use {model.id}"
                        )
                        return _emit(args, {"embedder": model.to_json(), "seconds": seconds}, text)
                    document = {"model": model.to_json(), "seconds": seconds}
                    return _emit(args, document, f"Downloaded and verified: {model.path}")
                elif isinstance(event, Failed):
                    show.end()
                    if isinstance(event.error, DownloadStopped):
                        print(
                            "confidente: download paused; run the same command to resume.",
                            file=sys.stderr,
                        )
                        return EXIT_INTERRUPTED
                    raise event.error
        except KeyboardInterrupt:
            handle.pause()  # keep the partial file; reading on sees the job end
            events = handle.job.events()


def _add(services: Services, args: argparse.Namespace) -> int:
    print("Checking the model file…", file=sys.stderr)
    model = services.models.add(Path(args.path)).result()
    return _emit(args, {"model": model.to_json()}, f"Added {model.id}: {model.path}")


def _use(services: Services, args: argparse.Namespace) -> int:
    if services.models.is_embedder(args.name):
        return _use_embedder(services, args)
    model = services.models.inventory.find(args.name)
    print("Checking the model file…", file=sys.stderr)
    model_path = services.models.use(args.name).result().model_path
    document = {"model": model.to_json(active=True), "model_path": model_path}
    return _emit(args, document, f"Now using {model.name} ({model.path})")


def _use_embedder(services: Services, args: argparse.Namespace) -> int:
    value = services.models.use_embedder(args.name).result().embedding_model
    embedder: InstalledEmbedder = services.models.inventory.find_embedder(args.name)
    document = {"embedder": embedder.to_json(active=True), "embedding_model": value}
    text = (
        f"New libraries now use {embedder.name}. A library keeps the embedding model it was "
        "indexed with until it is re-indexed: confidente reindex --library NAME"
    )
    return _emit(args, document, text)


def _remove(services: Services, args: argparse.Namespace) -> int:
    partial = {p.request.id for p in services.models.pending_downloads()}
    partial.update(p.id for p in services.models.pending_embedders())
    if args.name in partial:
        services.models.discard_partial(args.name)
        document = {"removed": args.name, "partial_download": True, "file_deleted": True}
        return _emit(args, document, f"Discarded the paused download of {args.name}")
    if services.models.is_embedder(args.name):
        embedder = services.models.remove_embedder(args.name, services.settings)
        document = {"removed": embedder.id, "partial_download": False, "file_deleted": True}
        return _emit(args, document, f"Removed {embedder.id} and deleted its folder")
    model = services.models.remove(args.name, services.settings)
    deleted = model.removable_file
    document = {"removed": model.id, "partial_download": False, "file_deleted": deleted}
    text = f"Removed {model.id}" + (" and deleted its file" if deleted else " (file kept)")
    return _emit(args, document, text)


def _token(args: argparse.Namespace) -> int:
    from app.core.models import token

    if args.token_action == "set":
        if sys.stdin.isatty():
            value = getpass.getpass("Hugging Face token (input hidden): ")
        else:
            value = sys.stdin.readline()
        token.set_token(value)
        return _emit(args, {"stored": True, "keychain": token.keychain_name()}, "Token stored.")
    if args.token_action == "clear":
        had = token.clear_token()
        return _emit(args, {"cleared": had}, "Token forgotten." if had else "No token was stored.")
    stored = token.get_token() is not None
    keychain = token.keychain_name()
    text = f"Keychain: {keychain}; token {'stored' if stored else 'not stored'}."
    return _emit(args, {"stored": stored, "keychain": keychain}, text)


def _starter(args: argparse.Namespace) -> int:
    from app.core.models.starter import ensure_starter_model, starter_status
    from app.core.paths import app_paths

    paths = app_paths().ensure()
    last = [-1]

    def show(done: int, total: int) -> None:
        percent = 100 * done // max(total, 1)
        if not args.json and percent != last[0]:
            last[0] = percent
            end = "\n" if done >= total else ""
            print(f"\rAssembling the starter model: {percent}%", end=end, file=sys.stderr)

    path = ensure_starter_model(paths.models, show)
    status = starter_status(paths.models)
    if args.json:
        print(json.dumps({"path": str(path), "verified": status.verified}))
    else:
        print(f"Starter model ready: {path}", file=sys.stderr)
    return EXIT_OK


def _gb(size: int | None) -> str:
    if not size:
        return "?"
    return f"{size / 1e9:.2f} GB" if size >= 1e8 else f"{size / 1e6:.1f} MB"


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


_HANDLERS = MappingProxyType(
    {
        "list": _list,
        "catalog": _catalog,
        "download": _download,
        "add": _add,
        "use": _use,
        "remove": _remove,
    }
)
