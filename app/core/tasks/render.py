"""Summaries and comparisons as Markdown files, for the window's Export buttons.

Extractions and translations write themselves (`Extraction.to_markdown`,
`to_csv`, `Translation.to_markdown`); these two results had no file form. Every
point and difference keeps its pages and its [n] source, as on screen.
"""

from __future__ import annotations

from pathlib import PurePath

from app.core.tasks.compare import Comparison
from app.core.tasks.summarize import Summary


def _name(path: str) -> str:
    return PurePath(path.replace("\\", "/")).name


def _pages(pages: tuple[int | None, ...]) -> str:
    numbers = [str(page) for page in pages if page is not None]
    if not numbers:
        return ""
    return (" (p. " if len(numbers) == 1 else " (pp. ") + ", ".join(numbers) + ")"


def summary_markdown(summary: Summary, path: str) -> str:
    """The summary of `path`: a bullet per point with its [n] and pages, under its
    section for "sections", then the numbered sources."""
    lines = [f"# Summary of {_name(path)}", ""]
    if summary.partial:
        lines += [
            f"_Stopped before the end: {summary.parts_done} of {summary.parts_total} "
            "parts summarised._",
            "",
        ]
    heading: object = object()  # no section written yet
    for point in summary.points:
        if summary.length == "sections" and point.section != heading:
            heading = point.section
            lines += ["", f"## {point.section or 'Beginning'}", ""]
        marks = "".join(f"[{n}]" for n in point.sources)
        lines.append(f"- {' '.join(point.text.split())} {marks}{_pages(point.pages)}".rstrip())
    if summary.sources:
        lines += ["", "## Sources", ""]
        for source in summary.sources:
            page = f", page {source.page}" if source.page is not None else ""
            lines.append(f"{source.n}. {_name(source.path)}{page}")
    return "\n".join(lines).replace("\n\n\n", "\n\n").rstrip() + "\n"


def comparison_markdown(comparison: Comparison) -> str:
    """Each difference as a heading (kind, section, page on each side, [n]) and its
    diff as a code block, then the counts and the numbered sources."""
    lines = [f"# Changes from {_name(comparison.old)} to {_name(comparison.new)}", ""]
    if comparison.partial:
        lines += ["_Stopped before the end: only the differences found so far are listed._", ""]
    if not comparison.differences:
        lines += ["No differences.", ""]
    for d in comparison.differences:
        sides = [
            f"{side} p. {page}"
            for side, page in (("old", d.old_page), ("new", d.new_page))
            if page is not None
        ]
        where = f" ({', '.join(sides)})" if sides else ""
        kind = d.kind.capitalize() + (", moved" if d.moved else "")
        marks = "".join(f"[{n}]" for n in d.sources)
        heading = " ".join(d.heading.split())
        lines += [f"## {kind}: {heading}{where} {marks}".rstrip(), ""]
        if d.diff.strip():
            fence = "````" if "```" in d.diff else "```"
            lines += [f"{fence}diff", d.diff.rstrip(), fence, ""]
    counts = ", ".join(f"{n} {kind}" for kind, n in comparison.counts.items() if n)
    if counts:
        lines += [f"{counts}.", ""]
    if comparison.sources:
        lines += ["## Sources", ""]
        for source in comparison.sources:
            page = f", page {source.page}" if source.page is not None else ""
            lines.append(f"{source.n}. {source.path}{page}")
    return "\n".join(lines).rstrip() + "\n"
