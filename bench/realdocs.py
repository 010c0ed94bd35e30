"""Retrieval on real manuals, Spanish and English: page recall@5 by language group.

The generated corpus (tests/corpus.py) is clean text that fpdf2 typeset from
strings. Real PDFs are not: LaTeX and DocBook toolchains leave running headers
and footers on every page, words hyphenated across lines, ligatures, dotted
tables of contents and fonts whose characters do not map back to Unicode.
Retrieval quality is only believable when measured on such files, so this
bench indexes five public manuals with the app's own `DocumentService` and
asks paraphrased questions whose answer sits on one known page.

The manuals come from Debian packages (free licences), fetched with
`apt-get download` into a cache folder (`~/.cache/confidente/realdocs`, or
`$CONFIDENTE_REALDOCS`), so a run needs only the Debian archive, once; each
package's version is recorded with the figures because a newer upload can
move pages.

Questions (bench/realdocs_questions.json) fall in three groups: Spanish
questions on the Spanish manuals (es→es), English on the English ones
(en→en), and English questions on the Spanish manuals (en→es): the starter
embedder, all-MiniLM-L6-v2, is an English model, so crossing languages is
where it is weakest. For each group and search mode (translated: what `ask`
does, hybrid search plus the question translated by the starter model into
the library's other language; hybrid: what `search` does; keyword and vector
alone, for comparison) it reports page recall@5 (the gold
page among the first five sources from the gold file) and MRR@10; for hybrid
search also how often it wrongly answers "nothing found", and how often it
rightly does so for questions no manual answers.

    python -m bench.realdocs                  # fetch if needed, index, measure
    python -m bench.realdocs --home DIR       # keep the index in DIR between runs
    python -m bench.realdocs --fetch-only     # only fill the cache
    python -m bench.realdocs --misses         # also list the questions each mode misses
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from app.core.data_key import ephemeral_key
from app.core.documents import extract
from app.core.documents.language import language_of
from app.core.documents.records import FileStatus, IndexedFile, IngestReport, Source
from app.core.documents.service import DocumentService
from app.core.paths import AppPaths
from app.core.settings import INDEXING_SETTINGS, Settings
from app.core.worker import Worker

QUESTIONS_FILE = Path(__file__).with_name("realdocs_questions.json")
RESULTS_FILE = Path(__file__).resolve().parent.parent / "bench-results" / "realdocs.json"
CACHE_VARIABLE = "CONFIDENTE_REALDOCS"
VERSIONS_FILE = "versions.json"
STAMP_FILE = "realdocs-index.stamp"  # in --home: what the kept index was built with
STAMPED_SOURCES = ("extract.py", "pdf_text.py", "chunking.py", "formats.py", "embedder.py")
# "translated" is what `ask` does: hybrid search with the question also translated by the
# starter model into the library's other language (app/core/chat/translation.py).
MODES = ("translated", "hybrid", "keyword", "vector")
GROUPS = ("es→es", "en→en", "en→es")
TOP = 5  # sources the user sees: recall is counted here
DEEP = 10  # how far MRR looks


@dataclass(frozen=True)
class Manual:
    """One document of a bench: where it is inside its Debian package, and its stable name."""

    name: str
    lang: str
    package: str
    member: str  # path inside the package; ".gz" ones are gunzipped


CORPUS = (
    Manual(
        "install.es.pdf",
        "es",
        "installation-guide-amd64",
        "usr/share/doc/installation-guide-amd64/es/install.es.pdf.gz",
    ),
    Manual(
        "edu-manual.es.pdf",
        "es",
        "debian-edu-doc-es",
        "usr/share/doc/debian-edu-doc-es/debian-edu-bookworm-manual.pdf",
    ),
    Manual("eyes17.es.pdf", "es", "eyes17-manuals-es", "usr/share/doc/eyes17/es/eyes17.pdf.gz"),
    Manual(
        "debian-faq.en.pdf", "en", "debian-faq", "usr/share/doc/debian/FAQ/debian-faq.en.pdf.gz"
    ),
    Manual(
        "freedombox-manual.en.pdf",
        "en",
        "freedombox-doc-en",
        "usr/share/freedombox/manual/en/freedombox-manual.pdf",
    ),
)
MANUALS = {manual.name: manual for manual in CORPUS}


# -- The corpus --------------------------------------------------------------


def default_folder() -> Path:
    configured = os.environ.get(CACHE_VARIABLE, "").strip()
    if configured:
        return Path(configured).expanduser()
    return Path.home() / ".cache" / "confidente" / "realdocs"


def fetch_corpus(folder: Path) -> list[Path]:
    """The corpus PDFs in `folder`, downloading those missing (a PDF already there is kept)."""
    return fetch_manuals(folder, CORPUS)


def fetch_manuals(folder: Path, manuals: Sequence[Manual]) -> list[Path]:
    """`manuals` in `folder`, downloading those missing (a file already there is kept)."""
    folder.mkdir(parents=True, exist_ok=True)
    versions = package_versions(folder)
    paths: list[Path] = []
    for manual in manuals:
        target = folder / manual.name
        if not target.exists():
            print(f"fetching {manual.package} for {manual.name}", flush=True)
            versions[manual.package] = _fetch(manual, target)
            (folder / VERSIONS_FILE).write_text(json.dumps(versions, indent=2, sort_keys=True))
        paths.append(target)
    return paths


def package_versions(folder: Path) -> dict[str, str]:
    """Package → version of the PDFs fetched into `folder` (empty for PDFs put there by hand)."""
    try:
        found = json.loads((folder / VERSIONS_FILE).read_text())
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


def _fetch(manual: Manual, target: Path) -> str:
    """Download `manual`'s package, unpack its PDF to `target`; returns the package version.

    The PDF is written next to `target` and renamed into place, so an interrupted
    fetch never leaves a truncated PDF that a later run would take as complete.
    """
    if shutil.which("apt-get") is None or shutil.which("dpkg-deb") is None:
        raise SystemExit(
            f"apt-get and dpkg-deb are needed to fetch {manual.package}; "
            f"or put the PDF in {target.parent} as {manual.name} yourself."
        )
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        work = Path(tmp)
        _run(["apt-get", "download", manual.package], work)
        debs = sorted(work.glob("*.deb"))
        if len(debs) != 1:
            raise SystemExit(f"apt-get download {manual.package} gave {len(debs)} .deb files")
        version = _run(["dpkg-deb", "--field", str(debs[0]), "Version"], work).strip()
        _run(["dpkg-deb", "--extract", str(debs[0]), str(work / "root")], work)
        source = work / "root" / manual.member
        partial = work / manual.name
        if source.suffix == ".gz":
            with gzip.open(source) as packed, partial.open("wb") as out:
                shutil.copyfileobj(packed, out)
        else:
            shutil.copyfile(source, partial)
        os.replace(partial, target)
    return version


def _run(command: Sequence[str], cwd: Path) -> str:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        hint = " (try `apt-get update` first)" if command[:2] == ["apt-get", "download"] else ""
        raise SystemExit(f"{' '.join(command)} failed{hint}:\n{done.stderr.strip()}")
    return done.stdout


# -- The questions -----------------------------------------------------------


@dataclass(frozen=True)
class RealQuestion:
    text: str
    lang: str  # language of the question
    file: str | None  # a name in CORPUS; None when no manual answers it
    page: int | None = None  # 1-based physical page (PDFium index + 1)
    key: str = ""  # a short term the answering page contains
    alt_pages: tuple[int, ...] = ()  # other pages that answer it just as well

    @property
    def pages(self) -> frozenset[int]:
        return frozenset({self.page, *self.alt_pages} if self.page else self.alt_pages)

    @property
    def group(self) -> str:
        """ "es→es", "en→en" or "en→es": question language → document language."""
        if self.file is None:
            return f"{self.lang}→none"
        return f"{self.lang}→{MANUALS[self.file].lang}"


def load_questions(path: Path = QUESTIONS_FILE) -> tuple[list[RealQuestion], list[RealQuestion]]:
    """(answerable, unanswerable) questions; a malformed entry raises ValueError naming it."""
    entries = json.loads(path.read_text(encoding="utf-8"))["questions"]
    answerable: list[RealQuestion] = []
    unanswerable: list[RealQuestion] = []
    for number, entry in enumerate(entries, start=1):
        question = _question(entry, number)
        (answerable if question.file else unanswerable).append(question)
    return answerable, unanswerable


def _question(entry: dict[str, object], number: int) -> RealQuestion:
    def fail(why: str) -> ValueError:
        return ValueError(f"question {number} ({entry.get('q')!r}): {why}")

    text, lang, file = entry.get("q"), entry.get("lang"), entry.get("file")
    if not isinstance(text, str) or not text.strip():
        raise fail("'q' must be a non-empty string")
    if lang not in ("es", "en"):
        raise fail("'lang' must be 'es' or 'en'")
    if file is None:
        return RealQuestion(text, lang, None)
    if file not in MANUALS:
        raise fail(f"'file' must be one of {sorted(MANUALS)} or null")
    page, key, alt = entry.get("page"), entry.get("key"), entry.get("alt_pages", [])
    if not isinstance(page, int) or isinstance(page, bool) or page < 1:
        raise fail("'page' must be a page number from 1")
    if not isinstance(key, str) or not key.strip():
        raise fail("'key' must be a non-empty string")
    if not isinstance(alt, list) or not all(isinstance(p, int) and p >= 1 for p in alt):
        raise fail("'alt_pages' must be a list of page numbers")
    return RealQuestion(text, lang, file, page, key, tuple(alt))


# -- Measuring ---------------------------------------------------------------


@dataclass
class Outcome:
    """What each mode did with one question: rank of the gold page (None: not found)."""

    question: RealQuestion
    rank_top: dict[str, int | None] = field(default_factory=dict)  # within the k=TOP search
    rank_deep: dict[str, int | None] = field(default_factory=dict)  # within the k=DEEP search
    nothing_found: bool = False  # the translated (ask) search at k=TOP returned []


def rank_of(sources: Iterable[Source], target: str, pages: frozenset[int]) -> int | None:
    return next((s.n for s in sources if s.path == target and s.page in pages), None)


def measure(
    service: DocumentService,
    folder: Path,
    questions: Sequence[RealQuestion],
    translations: dict[str, str | None],
) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for question in questions:
        assert question.file is not None
        target = str((folder / question.file).resolve())
        outcome = Outcome(question)
        for mode in MODES:
            top, deep = (
                _search(service, question.text, k, mode, translations) for k in (TOP, DEEP)
            )
            outcome.rank_top[mode] = rank_of(top, target, question.pages)
            outcome.rank_deep[mode] = rank_of(deep, target, question.pages)
            if mode == "translated":
                outcome.nothing_found = not top
        outcomes.append(outcome)
    return outcomes


def _search(
    service: DocumentService, text: str, k: int, mode: str, translations: dict[str, str | None]
) -> list[Source]:
    if mode != "translated":
        return service.search(text, k=k, mode=mode)
    translated = translations.get(text)
    return service.search(text, k=k, also=[translated] if translated else [])


def translate_all(
    service: DocumentService, questions: Sequence[RealQuestion]
) -> tuple[dict[str, str | None], float]:
    """Each question in the library's other language, by the starter model as `ask` does it;
    and the mean time a translation took (ms)."""
    from app.core.cancel import CancelToken
    from app.core.chat.translation import translate_question
    from app.core.documents.language import other_language
    from app.core.models.engine import Engine, EngineConfig
    from app.core.models.starter import ensure_starter_model
    from app.core.paths import app_paths

    model = ensure_starter_model(app_paths().models)
    engine = Engine(EngineConfig(model, context_length=2048, threads=os.cpu_count() or 2))
    languages = service.languages()
    translations: dict[str, str | None] = {}
    started = time.perf_counter()
    try:
        for question in questions:
            target = other_language(language_of(question.text))
            translations[question.text] = (
                translate_question(engine, question.text, target, CancelToken())
                if target in languages
                else None
            )
    finally:
        engine.close()
    return translations, (time.perf_counter() - started) * 1000 / max(1, len(questions))


@dataclass(frozen=True)
class Figures:
    """Recall@5 and MRR@10 per mode, and the hybrid "nothing found" rate, over some questions."""

    questions: int
    recall_at_5: dict[str, float]
    mrr_at_10: dict[str, float]
    false_nothing_found: float


def summarise(outcomes: Sequence[Outcome]) -> Figures:
    recall = {m: _share(o.rank_top[m] is not None for o in outcomes) for m in MODES}
    mrr = {m: _mean_reciprocal_rank([o.rank_deep[m] for o in outcomes]) for m in MODES}
    return Figures(len(outcomes), recall, mrr, _share(o.nothing_found for o in outcomes))


def _mean_reciprocal_rank(ranks: Sequence[int | None]) -> float:
    return round(statistics.fmean(1 / r if r else 0.0 for r in ranks), 3) if ranks else 0.0


def _share(flags: Iterable[bool]) -> float:
    values = list(flags)
    return round(sum(values) / len(values), 3) if values else 0.0


def keys_on_gold_pages(
    service: DocumentService, folder: Path, questions: Sequence[RealQuestion]
) -> list[RealQuestion]:
    """Questions whose key is missing from the text the app extracted for their gold pages.

    The keys were checked against PDFium's raw text when the questions were
    written; a key missing here means extraction lost or mangled it (a broken
    hyphenation, a dropped line), which caps recall whatever the search does.
    """
    texts: dict[str, dict[int | None, str]] = {}
    missing: list[RealQuestion] = []
    for question in questions:
        assert question.file is not None
        if question.file not in texts:
            extracted = service.read_document(folder / question.file)
            texts[question.file] = {page.number: _folded(page.text) for page in extracted.pages}
        pages = texts[question.file]
        if not any(_folded(question.key) in pages.get(p, "") for p in question.pages):
            missing.append(question)
    return missing


def _folded(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


# -- The run -----------------------------------------------------------------


def open_service(home: Path, settings: Settings) -> tuple[DocumentService, Worker]:
    worker = Worker("index").start()
    paths = AppPaths(home / "data", home / "config", home / "models", home / "cache").ensure()
    return DocumentService(worker, paths, lambda: settings, key=ephemeral_key()), worker


def index_stamp(settings: Settings) -> str:
    """What the indexed text depends on: the reading and chunking code, and the settings.

    A kept index (`--home`) skips files whose bytes have not changed, so without
    this a change to extraction would be measured on the text of the old code.
    (A change elsewhere that alters the index is not seen: delete the folder.)
    """
    folder = Path(extract.__file__).parent
    digest = hashlib.sha256(
        repr(sorted((name, getattr(settings, name)) for name in INDEXING_SETTINGS)).encode()
    )
    for name in STAMPED_SOURCES:
        if (folder / name).exists():
            digest.update((folder / name).read_bytes())
    return digest.hexdigest()


def forget_if_stale(service: DocumentService, home: Path, pdfs: Sequence[Path], stamp: str) -> None:
    """Forget the corpus in a kept index built by other code or settings, to index it afresh."""
    stamp_file = home / STAMP_FILE
    if stamp_file.exists() and stamp_file.read_text() != stamp:
        print("reading or chunking changed since the kept index was built: indexing afresh")
        service.remove(list(pdfs)).result()
    stamp_file.write_text(stamp)


def index(service: DocumentService, pdfs: Sequence[Path]) -> tuple[IngestReport, float]:
    started = time.perf_counter()
    report = service.add(list(pdfs)).result()
    seconds = time.perf_counter() - started
    failed = [o for o in report.outcomes if o.status in (FileStatus.FAILED, FileStatus.SKIPPED)]
    for outcome in failed:
        print(f"  NOT INDEXED {outcome.path}: {outcome.reason}")
    return report, seconds


@dataclass(frozen=True)
class IndexedManual:
    """A manual of the corpus: its package and version, and what the index holds of it."""

    file: str
    lang: str
    package: str
    version: str
    pages: int
    passages: int


def indexed_manuals(folder: Path, indexed: Sequence[IndexedFile]) -> list[IndexedManual]:
    """Read from the index rather than from the ingest report, which counts only
    the files read in this run (none, when a kept index is reused)."""
    versions = package_versions(folder)
    found = {Path(f.path).name: f for f in indexed if Path(f.path).parent == folder}
    return [
        IndexedManual(
            m.name,
            m.lang,
            m.package,
            versions.get(m.package, "unknown"),
            found[m.name].pages if m.name in found else 0,
            found[m.name].chunks if m.name in found else 0,
        )
        for m in CORPUS
    ]


@dataclass(frozen=True)
class Results:
    extraction: str
    translation_ms: float  # mean time the starter model took to translate a question
    translations: dict[str, str | None]
    settings: dict[str, object]
    corpus: list[IndexedManual]
    index_seconds: float
    index_reused: bool
    pages: int
    passages: int
    groups: dict[str, Figures]  # GROUPS, then "all"
    unanswerable: int
    unanswerable_nothing_found: float
    keys_missing: list[str]  # questions whose key the extracted gold page lacks
    outcomes: list[Outcome]

    def to_json(self) -> dict[str, object]:
        return {
            "extraction": self.extraction,
            "translation_ms": round(self.translation_ms, 1),
            "settings": self.settings,
            "corpus": [asdict(m) for m in self.corpus],
            "indexing": {
                "seconds": round(self.index_seconds, 1),
                "reused_index": self.index_reused,
                "pages": self.pages,
                "passages": self.passages,
            },
            "groups": {name: asdict(figures) for name, figures in self.groups.items()},
            "unanswerable": {
                "questions": self.unanswerable,
                "correctly_nothing_found": self.unanswerable_nothing_found,
            },
            "keys_missing_from_extracted_gold_page": self.keys_missing,
            "per_question": [
                {
                    "q": o.question.text,
                    "group": o.question.group,
                    "file": o.question.file,
                    "page": o.question.page,
                    "translation": self.translations.get(o.question.text),
                    "rank_at_10": o.rank_deep,
                    "nothing_found": o.nothing_found,
                }
                for o in self.outcomes
            ],
        }


def run(folder: Path, home: Path, settings: Settings) -> Results:
    pdfs = fetch_corpus(folder)
    answerable, unanswerable = load_questions()
    service, worker = open_service(home, settings)
    try:
        service.embedder(settings.embedding_model).encode(["load the model before timing"])
        forget_if_stale(service, home, pdfs, index_stamp(settings))
        report, seconds = index(service, pdfs)
        translations, translation_ms = translate_all(service, [*answerable, *unanswerable])
        outcomes = measure(service, folder, answerable, translations)
        empty = [
            not _search(service, q.text, TOP, "translated", translations) for q in unanswerable
        ]
        missing = keys_on_gold_pages(service, folder, answerable)
        corpus = indexed_manuals(folder, service.files())
    finally:
        worker.shutdown()
        service.close()
    groups = {g: summarise([o for o in outcomes if o.question.group == g]) for g in GROUPS}
    groups["all"] = summarise(outcomes)
    return Results(
        extraction="PDFium (pypdfium2)",
        translation_ms=translation_ms,
        translations=translations,
        settings={
            "chunk_size": settings.chunk_size,
            "chunk_overlap": settings.chunk_overlap,
            "embedding_model": settings.embedding_model or "all-MiniLM-L6-v2 (starter)",
        },
        corpus=corpus,
        index_seconds=seconds,
        index_reused=report.count(FileStatus.UNCHANGED) == len(pdfs),
        pages=sum(m.pages for m in corpus),
        passages=sum(m.passages for m in corpus),
        groups=groups,
        unanswerable=len(empty),
        unanswerable_nothing_found=_share(empty),
        keys_missing=[q.text for q in missing],
        outcomes=outcomes,
    )


def print_results(results: Results) -> None:
    print(f"\nReal manuals; PDF extraction: {results.extraction}")
    for m in results.corpus:
        print(f"  {m.file:<26} {m.package} {m.version}: {m.pages} pages, {m.passages} passages")
    reused = " (index reused, nothing re-read)" if results.index_reused else ""
    print(
        f"Indexing: {results.pages} pages, {results.passages} passages in "
        f"{results.index_seconds:.0f} s{reused}"
    )
    print(
        f"Questions translated by the starter model in {results.translation_ms:.0f} ms each "
        "(mean), as `ask` does when the library holds the other language"
    )
    print("\npage recall@5 / MRR@10 by mode; the false 'nothing found' rate of `ask`'s search")
    print(f"{'group':<7} {'n':>3}  " + "  ".join(f"{m:>13}" for m in MODES) + "  nothing found")
    for name, f in results.groups.items():
        if f.questions:
            cells = "  ".join(f"{f.recall_at_5[m]:5.2f} / {f.mrr_at_10[m]:5.2f}" for m in MODES)
            print(f"{name:<7} {f.questions:>3}  {cells}  {f.false_nothing_found:13.2f}")
    print(
        f"unanswerable: {results.unanswerable_nothing_found:.2f} of {results.unanswerable} "
        "rightly answered with nothing found"
    )
    print(f"keys missing from the extracted gold page: {len(results.keys_missing)}")
    for text in results.keys_missing:
        print(f"  {text}")


def print_misses(outcomes: Sequence[Outcome]) -> None:
    for mode in MODES:
        print(f"\nnot in the top {TOP}, {mode}:")
        for o in outcomes:
            if o.rank_top[mode] is None:
                q = o.question
                deep = o.rank_deep[mode]
                where = f"rank {deep}" if deep else f"not in {DEEP}"
                print(f"  [{q.group}] {q.file} p{q.page} ({where}): {q.text}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=None, help="PDF cache folder")
    parser.add_argument(
        "--home", type=Path, help="a folder of its own where the index is kept between runs"
    )
    parser.add_argument("--output", type=Path, default=RESULTS_FILE, help="JSON results file")
    parser.add_argument("--fetch-only", action="store_true", help="fill the cache and stop")
    parser.add_argument("--misses", action="store_true", help="list missed questions per mode")
    parser.add_argument("--chunk-size", type=int, help="passage size to measure (characters)")
    args = parser.parse_args()
    settings = Settings()
    if args.chunk_size:
        settings = dataclasses.replace(settings, chunk_size=args.chunk_size)
    folder = (args.corpus or default_folder()).expanduser().resolve()
    if args.fetch_only:
        for path in fetch_corpus(folder):
            print(path)
        return
    if args.home:
        results = run(folder, args.home.expanduser().resolve(), settings)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            results = run(folder, Path(tmp), settings)
    print_results(results)
    if args.misses:
        print_misses(results.outcomes)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results.to_json(), indent=2, ensure_ascii=False) + "\n")
    print(f"\nwritten to {args.output}")


if __name__ == "__main__":
    main()
