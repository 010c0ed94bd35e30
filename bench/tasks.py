"""Document tasks on real documents, Spanish and English: `python -m bench.tasks`.

The documents are public and come from Debian packages, like bench/realdocs.py's
manuals (same cache folder): the Debian Social Contract, a real contract, in its
versions 1.0 and 1.1; the Debian Constitution in its versions 1.7 and 1.8 (the
2022 change to the voting rules); and six pages of the Spanish expEYES-17
manual, lab experiments written like short test reports (measurements, values,
units). Nothing here was written for the bench except the expected answers and
one edited copy of the Spanish pages.

It measures, with the starter model at temperature 0:

* summary coverage: the share of the document's section headings that the
  summary speaks of (a point names one of the heading's content words);
* extraction precision and recall against fields written by hand (a cell is
  right when it holds every expected term; precision counts the cells that
  claim a value, recall the fields asked);
* compare recall: the share of the known edits found as a difference of the
  right kind holding the edited words (no model: compare is plain text work),
  on the two real revisions and on the edited copy (a section removed, one added,
  one moved, two values changed);
* time per page of each task.

    python -m bench.tasks                 # fetch if needed, run, print and save
    python -m bench.tasks --verbose       # also print each summary and table
    python -m bench.tasks --long 300      # only: summarise 300 real pages, time and memory

`--long` joins the pages of bench/realdocs.py's manuals into one PDF of that many
pages and summarises it whole, sampling the process's memory every half second:
memory must stay flat while the parts go by, and the time per page is reported.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import threading
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from app.core.cancel import CancelToken
from app.core.data_key import ephemeral_key
from app.core.models.starter import ensure_starter_model
from app.core.paths import AppPaths, app_paths
from app.core.services import Services
from app.core.tasks.compare import Comparison
from app.core.tasks.extract import Extraction
from app.core.tasks.pages import parse_page_range
from app.core.tasks.summarize import Summary
from app.core.worker import Failed, Finished, Progress
from bench.realdocs import Manual, default_folder, fetch_corpus, fetch_manuals

RESULTS = Path(__file__).resolve().parent.parent / "bench-results" / "tasks.json"
_DOCS = "usr/share/doc/debian"

DOCUMENTS = (
    *(
        Manual(f"{name}-{version}.en.txt", "en", "doc-debian", f"{_DOCS}/{name}.{version}.txt.gz")
        for name, version in (
            ("social-contract", "1.0"),
            ("social-contract", "1.1"),
            ("constitution", "1.7"),
            ("constitution", "1.8"),
        )
    ),
    Manual("eyes17.es.pdf", "es", "eyes17-manuals-es", "usr/share/doc/eyes17/es/eyes17.pdf.gz"),
)


@dataclass(frozen=True)
class SummaryCase:
    file: str
    pages: str | None
    headings: tuple[str, ...]  # the document's own section headings, as printed


@dataclass(frozen=True)
class ExtractionCase:
    file: str
    pages: str | None
    expected: dict[str, tuple[str, ...]]  # field → terms a right value holds (folded)


@dataclass(frozen=True)
class Edit:
    kind: str  # added, removed, changed or moved
    words: str  # words the difference must show (on either side)


@dataclass(frozen=True)
class CompareCase:
    old: str
    new: str
    edits: tuple[Edit, ...]


SUMMARIES = (
    SummaryCase(
        "social-contract-1.1.en.txt",
        None,
        (
            "Debian will remain 100% free",
            "We will give back to the free software community",
            "We will not hide problems",
            "Our priorities are our users and free software",
            "Works that do not meet our free software standards",
            "The Debian Free Software Guidelines (DFSG)",
        ),
    ),
    SummaryCase(
        "eyes17.es.pdf",
        "21-26",
        (
            "Medir resistencias por comparación",
            "Corriente continua",
            "Señal de antena alterna, debido al sector",
            "Separación de componentes continuo y alterno",
            "El cuerpo humano como conductor",
            "Resistencia eléctrica del cuerpo humano",
            "Foto-resistencia",
            "Voltaje de una pila de limón",
            "Un generador alterno simple",
        ),
    ),
)

EXTRACTIONS = (
    ExtractionCase(
        "social-contract-1.1.en.txt",
        None,
        {
            "date of ratification": ("april", "26th", "2004"),
            "version superseded": ("1.0",),
            "archive areas for non-free works": ("contrib", "non-free"),
        },
    ),
    ExtractionCase(
        "eyes17.es.pdf",
        "26",
        {
            "measurement": ("voltaje",),
            "value": ("0.9",),
            "unit": ("v",),
            "specimen": ("limon",),
        },
    ),
    ExtractionCase(
        "eyes17.es.pdf",
        "23",
        {"frecuencia": ("500", "hz"), "condensador": ("1uf",), "resistencia": ("100k",)},
    ),
    ExtractionCase("eyes17.es.pdf", "24", {"frecuencia": ("200", "hz"), "voltaje": ("3", "v")}),
)

COMPARES = (
    CompareCase(
        "social-contract-1.0.en.txt",
        "social-contract-1.1.en.txt",
        (
            Edit("changed", "Supersedes Version 1.0"),
            Edit("changed", "Debian will remain 100% free"),
            Edit("changed", "in a manner consistent with the Debian Free Software Guidelines"),
            Edit("changed", "promptly become visible"),
            Edit("changed", "We will be guided by the needs of our users and the free software"),
            Edit("changed", "Works that do not meet our free software standards"),
        ),
    ),
    CompareCase(
        "constitution-1.7.en.txt",
        "constitution-1.8.en.txt",
        (
            Edit("changed", "Version 1.8 ratified on January 28th, 2022"),
            Edit("changed", "resolution or ballot option is introduced"),
            Edit("changed", 'The default option is "None of the above."'),
            Edit("changed", "Propose General Resolutions and ballot options"),
        ),
    ),
    CompareCase(
        "eyes17-21-26.es.txt",
        "eyes17-21-26-edited.es.txt",
        (
            Edit("removed", "El cuerpo humano como conductor"),
            Edit("added", "Medir la temperatura con un termistor"),
            Edit("moved", "Foto-resistencia"),
            Edit("changed", "aproximadamente 1.1 V"),
            Edit("changed", "Fijar SQR1 en 1000 Hz"),
        ),
    ),
)

_NEW_SECTION = (
    "2.17 Medir la temperatura con un termistor\n"
    "Objetivo\n"
    "Medir la temperatura del agua con un termistor de 10 kΩ conectado entre A1 y GND.\n"
    "Procedimiento\n"
    "Fijar PV1 en 3 V y medir el voltaje en A1 cada 10 segundos.\n"
)


def fold(text: str) -> str:
    """Lower case, no accents, one space: how expected terms are compared."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.replace(",", ".").split())


def _terms(text: str) -> set[str]:
    """The words and numbers of `text`, folded, as written and without a closing "."."""
    found = set(re.findall(r"[\w.%-]+", fold(text)))
    return found | {term.strip(".") for term in found}


def holds(value: str, expected: Sequence[str]) -> bool:
    """Whether every expected term is in `value`: a word or number as a whole token."""
    found = _terms(value)
    return all(term in found or (" " in term and term in fold(value)) for term in expected)


_STOP = frozenset(
    [
        "with",
        "that",
        "will",
        "from",
        "their",
        "them",
        "this",
        "these",
        "those",
        "have",
        "been",
        "does",
        "para",
        "como",
        "entre",
        "debido",
        "sobre",
        "desde",
        "hasta",
        "simple",
    ]
)


def heading_words(heading: str) -> set[str]:
    return {w for w in re.findall(r"\w+", fold(heading)) if len(w) >= 5 and w not in _STOP}


def coverage(summary: Summary, headings: Sequence[str]) -> float:
    """The share of `headings` the summary speaks of: it holds at least half of the
    heading's own words (those no other heading has: "Debian" or "software" in every
    heading of the Social Contract would cover them all)."""
    said = _terms(" ".join(point.text for point in summary.points))
    words = [heading_words(h) for h in headings]
    covered = 0
    for i, own in enumerate(words):
        others = set().union(*words[:i], *words[i + 1 :])
        distinct = (own - others) or own
        covered += bool(distinct) and 2 * len(distinct & said) >= len(distinct)
    return covered / len(headings)


def extraction_scores(extraction: Extraction, case: ExtractionCase) -> tuple[int, int, int]:
    """(right cells, cells claiming a value, fields asked)."""
    right = claimed = 0
    for field, expected in case.expected.items():
        cell = extraction.cell(field)
        if cell.found:
            claimed += 1
            right += holds(cell.value, expected)
    return right, claimed, len(case.expected)


def _shown(comparison: Comparison, kinds: set[str]) -> list[str]:
    return [
        fold(f"{d.heading}\n{d.diff}")
        for d in comparison.differences
        if d.kind in kinds or ("moved" in kinds and d.moved)
    ]


def compare_recall(comparison: Comparison, edits: Sequence[Edit]) -> tuple[int, list[Edit]]:
    """How many edits were found, and those missed."""
    missed = [
        edit
        for edit in edits
        if not any(fold(edit.words) in shown for shown in _shown(comparison, {edit.kind}))
    ]
    return len(edits) - len(missed), missed


def edited_pages(services: Services, pdf: Path, folder: Path) -> tuple[Path, Path]:
    """The Spanish pages as text, and the copy with the edits of COMPARES[2]."""
    document = services.tasks.read(pdf, parse_page_range("21-26"), CancelToken())
    text = "\n".join(page.text for page in document.pages)
    sections = re.split(r"(?m)^(?=2\.\d+ [A-ZÁÉÍÓÚ])", text)
    by_title = {s.split("\n", 1)[0]: s for s in sections}
    photo = next(s for title, s in by_title.items() if "Foto-resistencia" in title)
    human = next(s for title, s in by_title.items() if "conductor" in title)
    edited = [s for s in sections if s not in (photo, human)]
    edited = [
        s.replace("aproximadamente 0.9 V", "aproximadamente 1.1 V").replace(
            "Fijar SQR1 en 500 Hz", "Fijar SQR1 en 1000 Hz"
        )
        for s in edited
    ]
    edited += [photo, _NEW_SECTION]
    old, new = folder / "eyes17-21-26.es.txt", folder / "eyes17-21-26-edited.es.txt"
    old.write_text(text, encoding="utf-8")
    new.write_text("".join(edited), encoding="utf-8")
    return old, new


def long_pdf(pages: int, target: Path) -> Path:
    """One PDF of `pages` real pages: the realdocs manuals' pages, one after the other."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for manual in fetch_corpus(default_folder()):
        for page in PdfReader(manual).pages:
            if len(writer.pages) == pages:
                break
            writer.add_page(page)
    if len(writer.pages) < pages:
        raise SystemExit(f"the manuals have only {len(writer.pages)} pages")
    with target.open("wb") as out:
        writer.write(out)
    return target


def summarize_long(services: Services, pdf: Path, pages: int) -> dict[str, object]:
    """Summarise `pdf` (of `pages` pages) whole, sampling this process's memory (RSS) as
    the parts go by."""
    import psutil

    me = psutil.Process()
    samples: list[tuple[int, float]] = []  # (parts done, RSS in MB)
    done = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.5):
            samples.append((done[0], me.memory_info().rss / 2**20))

    sampler = threading.Thread(target=sample, daemon=True)
    started = time.monotonic()
    job = services.tasks.summarize(pdf, None, "short")
    sampler.start()
    total = 0
    summary: Summary | None = None
    for event in job.events():  # read once: they end with the result
        if isinstance(event, Progress):
            if event.label == "parts":
                done[0], total = event.done, event.total
            print(f"\r  {event.label} {event.done}/{event.total}   ", end="", flush=True)
        elif isinstance(event, Finished):
            summary = event.result
        elif isinstance(event, Failed):
            raise event.error
    stop.set()
    sampler.join()
    assert summary is not None
    print()
    first = [rss for parts, rss in samples if parts <= max(1, total // 10)]
    return {
        "pages": pages,
        "parts": summary.parts_total,
        "points": len(summary.points),
        "seconds": round(time.monotonic() - started, 1),
        "seconds_per_page": summary.seconds_per_page,
        "rss_mb_first_tenth": round(max(first, default=0.0)),
        "rss_mb_peak": round(max((rss for _, rss in samples), default=0.0)),
        "rss_mb_end": round(samples[-1][1]) if samples else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--long", type=int, metavar="PAGES", help="only summarise this many pages")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    files = {p.name: p for p in fetch_manuals(default_folder(), DOCUMENTS)}
    starter = ensure_starter_model(app_paths().models)
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        paths = AppPaths(home / "data", home / "config", home / "models", home / "cache")
        services = Services(paths, key=ephemeral_key(), model_path=str(starter), temperature=0.0)
        try:
            services.models.load(services.settings).result()
            if args.long:
                pdf = long_pdf(args.long, home / f"long-{args.long}.pdf")
                figures = summarize_long(services, pdf, args.long)
                print(json.dumps(figures, indent=2))
                output = args.output.with_name(f"tasks-long-{args.long}.json")
                output.parent.mkdir(parents=True, exist_ok=True)
                output.write_text(json.dumps(figures, indent=2) + "\n")
                return
            old, new = edited_pages(services, files["eyes17.es.pdf"], home)
            files[old.name], files[new.name] = old, new
            verbose = args.verbose
            figures["summaries"] = [_summarize(services, files, c, verbose) for c in SUMMARIES]
            figures["extractions"] = [_extract(services, files, c, verbose) for c in EXTRACTIONS]
            figures["compares"] = [_compare(services, files, c) for c in COMPARES]
        finally:
            services.close()
    extractions = figures["extractions"]
    assert isinstance(extractions, list)
    right = sum(e["right"] for e in extractions)
    claimed = sum(e["claimed"] for e in extractions)
    asked = sum(e["asked"] for e in extractions)
    figures["extraction_precision"] = round(right / claimed, 2) if claimed else None
    figures["extraction_recall"] = round(right / asked, 2)
    _print(figures)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    print(f"\nwritten to {args.output}")


def _summarize(
    services: Services, files: dict[str, Path], case: SummaryCase, verbose: bool
) -> dict[str, object]:
    pages = parse_page_range(case.pages) if case.pages else None
    started = time.monotonic()
    summary = services.tasks.summarize(files[case.file], pages, "short").result()
    if verbose:
        for point in summary.points:
            print(f"  - {point.text} {list(point.sources)}")
    return {
        "file": case.file,
        "pages": case.pages,
        "headings": len(case.headings),
        "coverage": round(coverage(summary, case.headings), 2),
        "points": len(summary.points),
        "parts": summary.parts_total,
        "seconds": round(time.monotonic() - started, 1),
        "seconds_per_page": round(summary.seconds_per_page, 2),
    }


def _extract(
    services: Services, files: dict[str, Path], case: ExtractionCase, verbose: bool
) -> dict[str, object]:
    pages = parse_page_range(case.pages) if case.pages else None
    started = time.monotonic()
    extraction = services.tasks.extract(files[case.file], list(case.expected), pages).result()
    if verbose:
        for row in extraction.rows:
            print(f"  {row.field}: {row.cell.value!r} (page {row.cell.page}, {row.cell.check})")
    right, claimed, asked = extraction_scores(extraction, case)
    return {
        "file": case.file,
        "pages": case.pages,
        "right": right,
        "claimed": claimed,
        "asked": asked,
        "flagged": sum(row.cell.unverified for row in extraction.rows),
        "seconds": round(time.monotonic() - started, 1),
    }


def _compare(services: Services, files: dict[str, Path], case: CompareCase) -> dict[str, object]:
    started = time.monotonic()
    comparison = services.tasks.compare(files[case.old], files[case.new]).result()
    found, missed = compare_recall(comparison, case.edits)
    return {
        "old": case.old,
        "new": case.new,
        "recall": round(found / len(case.edits), 2),
        "edits": len(case.edits),
        "differences": len(comparison.differences),
        "missed": [f"{e.kind}: {e.words}" for e in missed],
        "seconds": round(time.monotonic() - started, 1),
    }


def _print(figures: dict[str, object]) -> None:
    print("\nDocument tasks on real documents, starter model, temperature 0")
    for s in figures["summaries"]:  # type: ignore[attr-defined]
        print(
            f"  summary  {s['file']:<28} pages {s['pages'] or 'all':<6} coverage "
            f"{s['coverage']:.2f} of {s['headings']} headings, {s['points']} points, "
            f"{s['parts']} parts, {s['seconds_per_page']} s/page"
        )
    for e in figures["extractions"]:  # type: ignore[attr-defined]
        print(
            f"  extract  {e['file']:<28} pages {e['pages'] or 'all':<6} right {e['right']}"
            f" of {e['claimed']} claimed, {e['asked']} asked; {e['flagged']} flagged"
        )
    print(
        f"  extraction precision {figures['extraction_precision']}, "
        f"recall {figures['extraction_recall']}"
    )
    for c in figures["compares"]:  # type: ignore[attr-defined]
        print(
            f"  compare  {c['old']} → {c['new']}: recall {c['recall']:.2f} of {c['edits']} edits,"
            f" {c['differences']} differences; missed {c['missed'] or 'none'}"
        )


if __name__ == "__main__":
    main()
