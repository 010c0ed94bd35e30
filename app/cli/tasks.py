"""The document-task commands of `confidente`: summarize, extract, compare, translate.

They call the same TaskService as the window. The document need not be in a
library: it is read through the sandboxed reader. Progress (parts done / total)
goes to stderr; Ctrl-C cancels and the parts finished so far are kept; `--json`
prints one JSON document in which every point, cell and difference carries its
`page` (null for formats without pages) and its `[n]` source.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

from app.cli.unlocking import open_services
from app.core.errors import ConfidenteError

if TYPE_CHECKING:
    from app.core.services import Services
    from app.core.tasks.compare import Comparison
    from app.core.tasks.summarize import Summary
    from app.core.worker import Job

T = TypeVar("T")


def register(commands: Any) -> None:
    """Add the task commands to the `confidente` parser (handlers: HANDLERS)."""
    summarize = commands.add_parser("summarize", help="summarise a document, with its pages")
    summarize.add_argument("path", metavar="PATH")
    _pages_option(summarize)
    summarize.add_argument(
        "--length",
        choices=("short", "page", "sections"),
        default="short",
        help="a few points, about a page, or one summary per section (default: short)",
    )
    summarize.add_argument("--json", action="store_true", help="print JSON")

    extract = commands.add_parser("extract", help="pull named fields of a document into a table")
    extract.add_argument("path", metavar="PATH")
    extract.add_argument("--fields", metavar='"A, B, C"', help="the fields, comma-separated")
    extract.add_argument(
        "--template", choices=("contract", "guideline", "report"), help="a set of fields"
    )
    _pages_option(extract)
    extract.add_argument("--csv", metavar="OUT", help="also write the table as CSV")
    extract.add_argument("--markdown", metavar="OUT", help="also write the table as Markdown")
    extract.add_argument("--json", action="store_true", help="print JSON")

    compare = commands.add_parser("compare", help="what changed between two documents")
    compare.add_argument("old", metavar="OLD")
    compare.add_argument("new", metavar="NEW")
    compare.add_argument("--json", action="store_true", help="print JSON")

    translate = commands.add_parser(
        "translate", help="translate a document page by page (Spanish ↔ English)"
    )
    translate.add_argument("path", metavar="PATH")
    translate.add_argument("--to", choices=("en", "es"), required=True, help="target language")
    _pages_option(translate)
    translate.add_argument("-o", "--output", metavar="OUT", help="write the translation here")
    translate.add_argument("--json", action="store_true", help="print JSON")


def _pages_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pages", metavar="A-B", help="only these pages (e.g. 3-7)")


def task_services(args: argparse.Namespace) -> Services:
    """Services with the model loaded (the tasks need it), progress on stderr unless --json."""
    from app.cli.entry import load_model

    services = open_services()
    try:
        load_model(services, quiet=bool(getattr(args, "json", False)))
    except BaseException:
        services.close()
        raise
    return services


def follow_task(job: Job[T], *, quiet: bool, on_update: Callable[[Any], None] | None = None) -> T:
    """Show `parts done/total` until the job ends; Ctrl-C cancels it. A cancelled task
    still finishes with what it had done (its result says it is partial)."""
    from app.core.worker import Failed, Finished, Notice, Progress, Update

    events = job.events()
    while True:
        try:
            for event in events:
                if isinstance(event, Progress) and not quiet:
                    end = "\n" if event.done >= event.total else ""
                    line = f"\r{event.label}: {event.done}/{event.total}"
                    print(line, end=end, file=sys.stderr, flush=True)
                elif isinstance(event, Update) and on_update is not None:
                    on_update(event.value)
                elif isinstance(event, Notice):
                    print(f"confidente: {event.message}", file=sys.stderr)
                elif isinstance(event, Finished):
                    result: T = event.result
                    return result
                elif isinstance(event, Failed):
                    raise event.error
        except KeyboardInterrupt:
            job.cancel()
            events = job.events()


# --- summarize (app/core/tasks/summarize.py) -------------------------------------------


def _summarize(args: argparse.Namespace) -> int:
    from app.core.tasks.pages import parse_page_range

    pages = parse_page_range(args.pages) if args.pages else None  # before loading the model
    services = task_services(args)
    try:
        summary = follow_task(
            services.tasks.summarize(args.path, pages, args.length), quiet=args.json
        )
    finally:
        services.close()
    if args.json:
        print(json.dumps(summary.to_json(), ensure_ascii=False))
        return 0
    _print_summary(summary)
    return 0


def _print_summary(summary: Summary) -> None:
    """The points as a bulleted list with their [n], under their sections for "sections",
    then the numbered sources (file, page)."""
    heading: object = object()  # no section printed yet
    for point in summary.points:
        if summary.length == "sections" and point.section != heading:
            heading = point.section
            print(f"\n{point.section or 'Beginning'}")
        marks = "".join(f"[{n}]" for n in point.sources)
        print(f"- {point.text} {marks}".rstrip())
    if summary.partial:
        print(f"[stopped: {summary.parts_done} of {summary.parts_total} parts summarised]")
    if summary.sources:
        print("\nSources:")
        for source in summary.sources:
            where = Path(source.path).name
            print(f"  [{source.n}] {where}" + (f", page {source.page}" if source.page else ""))
    print(
        f"{summary.parts_done}/{summary.parts_total} parts in {summary.seconds:.1f} s "
        f"({summary.seconds_per_page:.1f} s per page)",
        file=sys.stderr,
    )


# --- extract (app/core/tasks/extract.py) -----------------------------------------------


def _extract(args: argparse.Namespace) -> int:
    """The named fields (or a template's) as a table: each cell with its page and [n]."""
    import json
    from pathlib import Path

    from app.core import atomic
    from app.core.tasks.extract import TEMPLATES
    from app.core.tasks.pages import parse_page_range

    named = [f.strip() for f in (args.fields or "").split(",") if f.strip()]
    fields = tuple(dict.fromkeys([*(TEMPLATES[args.template] if args.template else ()), *named]))
    if not fields:
        raise ConfidenteError(
            'Name the fields to extract with --fields "A, B, C", or pick a --template '
            f"({', '.join(TEMPLATES)})."
        )
    pages = parse_page_range(args.pages) if args.pages else None
    source = Path(args.path)
    outputs = [Path(out) for out in (args.csv, args.markdown) if out]
    if any(out.resolve() == source.resolve() for out in outputs):
        raise ConfidenteError("An output file is the document itself; write the table elsewhere.")
    services = task_services(args)
    try:
        extraction = follow_task(services.tasks.extract(source, fields, pages), quiet=args.json)
    finally:
        services.close()
    if args.csv:
        atomic.write_text(Path(args.csv), extraction.to_csv())
    if args.markdown:
        atomic.write_text(Path(args.markdown), extraction.to_markdown())
    if args.json:
        print(json.dumps(extraction.to_json(), ensure_ascii=False))
        return 0
    print(extraction.to_markdown())
    for cited in extraction.sources:
        where = f", page {cited.page}" if cited.page is not None else ""
        print(f"[{cited.n}] {Path(cited.path).name}{where}")
    flagged = [row.field for row in extraction.rows if row.cell.unverified]
    if flagged:
        print(
            f"Check by hand: {', '.join(flagged)} (not found as written on the cited page).",
            file=sys.stderr,
        )
    if extraction.partial:
        print("confidente: stopped; only the parts done were read.", file=sys.stderr)
    return 0


# --- compare (app/core/tasks/compare.py) -----------------------------------------------


def _compare(args: argparse.Namespace) -> int:
    """Differences from OLD to NEW. No model is needed, so none is loaded."""
    import json
    import os

    old, new = (os.path.abspath(os.path.expanduser(p)) for p in (args.old, args.new))
    for path in (old, new):
        if not os.path.isfile(path):
            raise ConfidenteError(f"There is no file {path}.")
    services = open_services()
    try:
        comparison = follow_task(services.tasks.compare(old, new), quiet=args.json)
    finally:
        services.close()
    if args.json:
        print(json.dumps(_comparison_json(comparison), ensure_ascii=False, indent=2))
    else:
        print(_comparison_text(comparison))
    return 0


def _comparison_json(comparison: Comparison) -> dict[str, Any]:
    return {
        "old": comparison.old,
        "new": comparison.new,
        "differences": [
            {
                "kind": d.kind,
                "heading": d.heading,
                "old_page": d.old_page,
                "new_page": d.new_page,
                "sources": list(d.sources),
                "diff": d.diff,
                "changes": [{"old": old, "new": new} for old, new in d.changes],
                "moved": d.moved,
            }
            for d in comparison.differences
        ],
        "sources": [{"n": s.n, "path": s.path, "page": s.page} for s in comparison.sources],
        "counts": comparison.counts,
        "partial": comparison.partial,
    }


def _comparison_text(comparison: Comparison) -> str:
    import textwrap

    if not comparison.differences:
        return "No differences." + (" (cancelled: partial)" if comparison.partial else "")
    blocks: list[str] = []
    for d in comparison.differences:
        pages = ", ".join(
            f"{side} p. {page}"
            for side, page in (("old", d.old_page), ("new", d.new_page))
            if page is not None
        )
        kind = d.kind.capitalize() + (", moved" if d.moved else "")
        cited = "".join(f"[{n}]" for n in d.sources)
        lines = [f"{kind} — {d.heading}" + (f" ({pages})" if pages else "") + f" {cited}"]
        for line in d.diff.splitlines():
            lines.extend(textwrap.wrap(line, 100, subsequent_indent="  ") or [""])
        blocks.append("\n".join(lines))
    counts = ", ".join(f"{n} {kind}" for kind, n in comparison.counts.items() if n)
    sources = [
        f"[{s.n}] {s.path}" + (f", p. {s.page}" if s.page is not None else "")
        for s in comparison.sources
    ]
    partial = " (cancelled: partial)" if comparison.partial else ""
    return "\n\n".join([*blocks, f"{counts}{partial}", "\n".join(sources)])


# --- translate (app/core/tasks/translate.py) -------------------------------------------


def _translate(args: argparse.Namespace) -> int:
    """Translate a document page by page; Markdown to -o OUT (or stdout), or --json."""
    import json
    from pathlib import Path

    from app.core import atomic
    from app.core.tasks.pages import parse_page_range

    pages = parse_page_range(args.pages) if args.pages else None
    source = Path(args.path)
    output = Path(args.output) if args.output else None
    if output is not None and output.resolve() == source.resolve():
        raise ConfidenteError(
            f"-o {output} is the document itself; write the translation elsewhere."
        )
    services = task_services(args)
    try:
        job = services.tasks.translate(source, args.to, pages)
        translation = follow_task(job, quiet=bool(args.json))
    finally:
        services.close()
    if output is not None:
        atomic.write_text(output, translation.to_markdown())
        if not args.json:
            print(f"Translation written to {output}", file=sys.stderr)
    if args.json:
        print(json.dumps(translation.to_json(), ensure_ascii=False))
    elif output is None:
        print(translation.to_markdown(), end="")
    if translation.partial and not args.json:
        print("confidente: stopped; only the pages done were translated.", file=sys.stderr)
    return 0


HANDLERS: Mapping[str, Callable[[argparse.Namespace], int]] = MappingProxyType(
    {"summarize": _summarize, "extract": _extract, "compare": _compare, "translate": _translate}
)
