"""Task results as Markdown: for the window's Export buttons, and kept in the chat.

Extractions and translations write themselves (`Extraction.to_markdown`,
`to_csv`, `Translation.to_markdown`); summaries and comparisons are written
here. Every point, cell and difference keeps its pages and its [n] source, as
on screen; `task_markdown` and `task_sources` give any result's text and the
sources its [n] refer to, which is how a result is kept in a conversation.
"""

from __future__ import annotations

from collections.abc import Callable

from app.core.documents.records import Source, file_name
from app.core.tasks.compare import Comparison
from app.core.tasks.extract import Extraction
from app.core.tasks.summarize import Summary
from app.core.tasks.translate import Translation

TaskResult = Summary | Extraction | Comparison | Translation


def _pages(pages: tuple[int | None, ...]) -> str:
    numbers = [str(page) for page in pages if page is not None]
    if not numbers:
        return ""
    return (" (p. " if len(numbers) == 1 else " (pp. ") + ", ".join(numbers) + ")"


def summary_markdown(summary: Summary, path: str) -> str:
    """The summary of `path`: a bullet per point with its [n] and pages, under its
    section for "sections", then the numbered sources."""
    lines = [f"# Summary of {file_name(path)}", ""]
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
    lines += ["", *_sources_section(summary.sources, file_name)]
    return "\n".join(lines).replace("\n\n\n", "\n\n").rstrip() + "\n"


def comparison_markdown(comparison: Comparison) -> str:
    """Each difference as a heading (kind, section, page on each side, [n]) and its
    diff as a code block, then the counts and the numbered sources."""
    lines = [f"# Changes from {file_name(comparison.old)} to {file_name(comparison.new)}", ""]
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
    # Full paths: two versions often share their file name.
    lines += _sources_section(comparison.sources, str)
    return "\n".join(lines).rstrip() + "\n"


def _sources_section(sources: tuple[Source, ...], shown: Callable[[str], str]) -> list[str]:
    """The "## Sources" list: "n. name, page p", the path as `shown` gives it."""
    if not sources:
        return []
    lines = ["## Sources", ""]
    for source in sources:
        page = f", page {source.page}" if source.page is not None else ""
        lines.append(f"{source.n}. {shown(source.path)}{page}")
    return lines


def task_markdown(result: TaskResult, path: str) -> str:
    """Any task's result (of the document at `path`) as Markdown."""
    if isinstance(result, Summary):
        return summary_markdown(result, path)
    if isinstance(result, Comparison):
        return comparison_markdown(result)
    if isinstance(result, Extraction):
        title = f"# Fields of {file_name(path)}\n\n"
        stopped = "_Stopped before the end: only the parts read are used._\n\n"
        return title + (stopped if result.partial else "") + result.to_markdown()
    return result.to_markdown()


def task_sources(result: TaskResult) -> tuple[Source, ...]:
    """The sources a result's [n] markers refer to (a translation has none)."""
    return () if isinstance(result, Translation) else result.sources
