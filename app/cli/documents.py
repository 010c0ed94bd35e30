"""The document commands of `confidente`: add, docs, reindex, remove, search.

They call the same DocumentService as the window. `add` and `reindex` show
one progress bar on stderr (files and pages per second) and one line per file
that was skipped or failed, with the reason; `--json` prints one JSON
document. `reindex` is also how a library moves to the embedding model in the
settings (`confidente models use ID`); Ctrl-C then leaves it on its old model,
which keeps answering.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from app.cli.unlocking import open_services
from app.core.errors import ConfidenteError

if TYPE_CHECKING:
    from app.core.documents.records import IngestProgress, IngestReport
    from app.core.services import Services
    from app.core.worker import Job

DEFAULT_LIBRARY = "default"  # same as app.core.documents.service, without importing it
_NONE: Mapping[str, Any] = MappingProxyType({})


def add_library_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--library",
        default=DEFAULT_LIBRARY,
        metavar="NAME",
        help="document library (default: %(default)s)",
    )


def register(commands: Any) -> None:
    """Add the document commands to the `confidente` parser (handlers: HANDLERS)."""
    add = commands.add_parser("add", help="index files and folders for questions")
    add.add_argument("paths", nargs="+", metavar="PATH", help="a file or a folder")
    add_library_option(add)
    add.add_argument("--json", action="store_true", help="print JSON")

    docs = commands.add_parser("docs", help="list indexed documents")
    add_library_option(docs)
    docs.add_argument("--json", action="store_true", help="print JSON")

    reindex = commands.add_parser(
        "reindex",
        help="read a library's files again, moving it to the embedding model in the settings",
    )
    add_library_option(reindex)
    reindex.add_argument("--json", action="store_true", help="print JSON")

    remove = commands.add_parser(
        "remove", help="forget a document (or a folder of them), or a whole library with --all"
    )
    remove.add_argument("paths", nargs="*", metavar="PATH")
    add_library_option(remove)
    remove.add_argument(
        "--all", action="store_true", help="forget the library itself and all its documents"
    )
    remove.add_argument("--json", action="store_true", help="print JSON")

    search = commands.add_parser("search", help="find the passages that match QUERY")
    search.add_argument("query")
    search.add_argument("-k", type=int, default=5, metavar="N", help="number of passages")
    add_library_option(search)
    search.add_argument("--json", action="store_true", help="print JSON")


def _services() -> Services:
    return open_services()


class IngestBar:
    """One line on stderr: overall bar, files, pages/s and the current file."""

    def __init__(self, quiet: bool) -> None:
        self._quiet = quiet or not sys.stderr.isatty()
        self._plain = quiet

    def __call__(self, progress: IngestProgress) -> None:
        outcome = progress.outcome
        if (
            outcome is not None
            and outcome.status.value in ("failed", "skipped")
            and not self._plain
        ):
            self._clear()
            print(f"{outcome.status.value}: {outcome.path}: {outcome.reason}", file=sys.stderr)
        if self._quiet:
            return
        done = progress.file_index + (1 if progress.stage == "done" else 0)
        width = 24
        filled = width * done // max(progress.files_total, 1)
        name = Path(progress.path).name
        line = (
            f"[{'#' * filled}{'.' * (width - filled)}] {done}/{progress.files_total} files, "
            f"{progress.pages_done} pages, {progress.pages_per_second:.1f} pages/s  "
            f"{progress.stage} {name}"
        )
        columns = shutil.get_terminal_size().columns
        print("\r" + line[: columns - 1].ljust(columns - 1), end="", file=sys.stderr, flush=True)

    def _clear(self) -> None:
        if not self._quiet:
            print(
                "\r" + " " * (shutil.get_terminal_size().columns - 1) + "\r",
                end="",
                file=sys.stderr,
            )

    def finish(self) -> None:
        self._clear()


def follow_ingest(job: Job[IngestReport], bar: IngestBar) -> IngestReport:
    """Show progress until the job ends; Ctrl-C cancels it (what is done stays done)."""
    from app.core.documents.records import IngestProgress
    from app.core.worker import Failed, Finished, Notice, Update

    events = job.events()
    while True:
        try:
            for event in events:
                if isinstance(event, Update) and isinstance(event.value, IngestProgress):
                    bar(event.value)
                elif isinstance(event, Notice):
                    print(f"confidente: {event.message}", file=sys.stderr)
                elif isinstance(event, Finished):
                    bar.finish()
                    report: IngestReport = event.result
                    return report
                elif isinstance(event, Failed):
                    bar.finish()
                    raise event.error
        except KeyboardInterrupt:
            job.cancel()
            events = job.events()


def _add(args: argparse.Namespace) -> int:
    services = _services()
    try:
        report = follow_ingest(
            services.documents.add(args.paths, args.library), IngestBar(args.json)
        )
    finally:
        services.close()
    return _show_report(report, args.json)


def _reindex(args: argparse.Namespace) -> int:
    services = _services()
    try:
        embedder = services.settings.embedding_model or "all-MiniLM-L6-v2 (built in)"
        if not args.json:
            print(f"Re-indexing {args.library} with {embedder}…", file=sys.stderr)
        report = follow_ingest(services.documents.reindex(args.library), IngestBar(args.json))
    finally:
        services.close()
    stopped = [o.reason for o in report.outcomes if o.status.value == "cancelled"]
    if stopped and not args.json:
        print(f"confidente: {stopped[0]}", file=sys.stderr)  # which model the library is on
    return _show_report(report, args.json, {"embedding_model": services.settings.embedding_model})


def _show_report(report: IngestReport, as_json: bool, extra: Mapping[str, Any] = _NONE) -> int:
    """Print what an add or a re-index did; the exit code says whether all went well."""
    from app.core.documents.records import FileStatus

    counts = {status.value: report.count(status) for status in FileStatus}
    if as_json:
        print(
            json.dumps(
                {
                    **extra,
                    "library": report.library,
                    "files": [
                        {
                            "path": o.path,
                            "status": o.status.value,
                            "reason": o.reason,
                            "pages": o.pages,
                            "chunks": o.chunks,
                        }
                        for o in report.outcomes
                    ],
                    "counts": counts,
                    "pages": report.pages,
                    "chunks": report.chunks,
                    "seconds": round(report.seconds, 3),
                },
                ensure_ascii=False,
            )
        )
    else:
        summary = ", ".join(f"{n} {name}" for name, n in counts.items() if n)
        rate = report.pages / report.seconds if report.seconds > 0 else 0.0
        print(
            f"Library {report.library}: {summary or 'nothing to do'} "
            f"({report.pages} pages, {report.chunks} passages, {report.seconds:.1f} s, "
            f"{rate:.1f} pages/s)."
        )
    if counts["cancelled"]:
        return 130
    return 1 if counts["failed"] else 0


def _docs(args: argparse.Namespace) -> int:
    services = _services()
    try:
        files = services.documents.files(args.library)
        libraries = services.documents.libraries()
    finally:
        services.close()
    if args.json:
        print(
            json.dumps(
                {
                    "library": args.library,
                    "libraries": libraries,
                    "files": [
                        {
                            "path": f.path,
                            "status": f.status,
                            "reason": f.reason,
                            "pages": f.pages,
                            "chunks": f.chunks,
                            "size": f.size,
                            "updated": f.updated,
                        }
                        for f in files
                    ],
                },
                ensure_ascii=False,
            )
        )
        return 0
    if not files:
        print(f"Library {args.library} is empty. Add documents with: confidente add PATH")
    for f in files:
        detail = (
            f"{_count(f.pages, 'page')}, {_count(f.chunks, 'passage')}"
            if f.status == "indexed"
            else f.reason
        )
        print(f"{f.status:<8} {f.path}  ({detail})")
    if len(libraries) > 1:
        print(f"Libraries: {', '.join(libraries)}", file=sys.stderr)
    return 0


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _remove(args: argparse.Namespace) -> int:
    from app.core.documents.records import FileStatus

    if args.all == bool(args.paths):
        raise ConfidenteError("Name the documents to remove, or use --all for the whole library.")
    services = _services()
    try:
        documents = services.documents
        job = (
            documents.delete_library(args.library)
            if args.all
            else documents.remove(args.paths, args.library)
        )
        outcomes = job.result()
    finally:
        services.close()
    if args.json:
        print(
            json.dumps(
                [{"path": o.path, "status": o.status.value, "reason": o.reason} for o in outcomes],
                ensure_ascii=False,
            )
        )
    else:
        for o in outcomes:
            print(f"{o.status.value}: {o.path}" + (f" ({o.reason})" if o.reason else ""))
    return 1 if any(o.status is FileStatus.FAILED for o in outcomes) else 0


def _search(args: argparse.Namespace) -> int:
    if not 1 <= args.k <= 100:
        raise ConfidenteError("-k must be between 1 and 100.")
    services = _services()
    try:
        sources = services.documents.search(args.query, args.library, args.k)
    finally:
        services.close()
    if args.json:
        print(json.dumps([s.to_json() for s in sources], ensure_ascii=False))
        return 0
    if not sources:
        print("Nothing relevant found.")
    for s in sources:
        where = f"{s.path}" + (f", page {s.page}" if s.page is not None else "")
        snippet = " ".join(s.text.split())
        print(f"[{s.n}] {where}  (score {s.score:.3f})\n    {snippet[:300]}")
    return 0


HANDLERS: Mapping[str, Callable[[argparse.Namespace], int]] = MappingProxyType(
    {"add": _add, "docs": _docs, "reindex": _reindex, "remove": _remove, "search": _search}
)
