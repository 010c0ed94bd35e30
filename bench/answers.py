"""Grounded document answers with the real starter model: `python -m bench.answers`.

Every question of a question file is asked through the real ChatService (the
starter model, the MiniLM embedder, a library holding the question files'
documents), with temperature 0 so that runs compare. For each answer:

- key: the key term (case and accents folded) is in the answer's text or quotes;
- gold page cited: the text cites [n] of a source on the gold page, or a quote
  comes from the gold page (page None: the file, for formats without pages);
- language: `question_language` of the answer's text is the question's language;
- flagged: some sentence of the answer is marked as supported by no source
  (`ChatReply.unsupported`);
- markup: the answer copies the excerpt markup ("> " lines, "[n] (file, page)"
  headers, "Excerpts from my documents"), which the issue reported.

The questions come from `bench/realdocs_questions.json` when it exists (its
answerable questions, on the real manuals that `python -m bench.realdocs` keeps in
its cache folder; a gold page is the page or one of its `alt_pages`), else, or with
`--corpus`, from the generated corpus (tests/corpus.py), whose `expect` phrase
serves as the key. Figures are printed and written to bench-results/answers.json,
per question too, so two runs can be compared.

    python -m bench.answers --corpus -v     # the generated corpus, every answer shown
    python -m bench.answers                 # the real manuals
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from app.core.chat.service import ChatReply, question_language
from app.core.data_key import ephemeral_key
from app.core.documents.retrieval import fold
from app.core.models.starter import ensure_starter_model
from app.core.paths import AppPaths, app_paths
from app.core.services import Services

ROOT = Path(__file__).resolve().parent.parent
REALDOCS = ROOT / "bench" / "realdocs_questions.json"
RESULTS = ROOT / "bench-results" / "answers.json"
_CITED = re.compile(r"\[(\d+)\]")
MARKUP = re.compile(r"(?:^|\n)\s*> |\[\d+\] \(|Excerpts from", re.IGNORECASE)


@dataclass(frozen=True)
class BenchQuestion:
    text: str
    lang: str
    file: Path
    pages: frozenset[int] | None  # gold pages; None for formats without pages
    key: str


@dataclass(frozen=True)
class Outcome:
    question: str
    lang: str
    answer: str
    quotes: list[str]
    key_in_text: bool
    key_in_quotes: bool
    gold_retrieved: bool  # a source is on the gold page: the most any answer could cite
    gold_cited: bool
    language_ok: bool
    cites: bool  # any [n] in the text
    cites_unknown: bool  # an [n] that is no source's number
    markup: bool
    unsupported: list[str]  # the sentences marked as supported by no source
    seconds: float


def realdocs_questions() -> list[BenchQuestion]:
    """The answerable questions on the real manuals, from their cache folder."""
    from bench.realdocs import default_folder, fetch_corpus, load_questions

    folder = default_folder()
    fetch_corpus(folder)  # a no-op once the manuals are in the cache
    answerable, _ = load_questions(REALDOCS)
    return [
        BenchQuestion(q.text, q.lang, (folder / q.file).resolve(), q.pages, q.key)
        for q in answerable
        if q.file is not None
    ]


def corpus_questions(folder: Path) -> list[BenchQuestion]:
    from tests.corpus import QUESTIONS, build_corpus

    build_corpus(folder)
    return [
        BenchQuestion(
            q.text,
            q.language,
            (folder / q.file).resolve(),
            None if q.page is None else frozenset({q.page}),
            q.expect,
        )
        for q in QUESTIONS
    ]


def _contains(haystack: str, needle: str) -> bool:
    return " ".join(fold(needle).split()) in " ".join(fold(haystack).split())


def evaluate(question: BenchQuestion, reply: ChatReply, seconds: float) -> Outcome:
    text = reply.message.content
    quotes = [quote.text for quote in reply.quotes]
    quote_sources = {quote.n for quote in reply.quotes}
    gold = {
        source.n
        for source in reply.sources
        if Path(source.path).resolve() == question.file
        and (question.pages is None or source.page in question.pages)
    }
    cited = {int(n) for n in _CITED.findall(text)}
    return Outcome(
        question=question.text,
        lang=question.lang,
        answer=text,
        quotes=quotes,
        key_in_text=_contains(text, question.key),
        key_in_quotes=any(_contains(quote, question.key) for quote in quotes),
        gold_retrieved=bool(gold),
        gold_cited=bool(gold & (cited | quote_sources)),
        language_ok=question_language(text) == question.lang,
        cites=bool(cited),
        cites_unknown=bool(cited - {source.n for source in reply.sources}),
        markup=bool(MARKUP.search(text)),
        unsupported=[text[start:end] for start, end in reply.unsupported],
        seconds=round(seconds, 3),
    )


def summary(outcomes: Sequence[Outcome]) -> dict[str, float]:
    def share(flags: Sequence[bool]) -> float:
        return round(sum(flags) / max(len(flags), 1), 3)

    return {
        "questions": len(outcomes),
        "key_in_text_or_quotes": share([o.key_in_text or o.key_in_quotes for o in outcomes]),
        "key_in_text": share([o.key_in_text for o in outcomes]),
        "key_in_quotes": share([o.key_in_quotes for o in outcomes]),
        "gold_page_cited": share([o.gold_cited for o in outcomes]),
        "gold_page_retrieved": share([o.gold_retrieved for o in outcomes]),
        "question_language": share([o.language_ok for o in outcomes]),
        "question_language_es": share([o.language_ok for o in outcomes if o.lang == "es"]),
        "question_language_en": share([o.language_ok for o in outcomes if o.lang == "en"]),
        "text_cites_any": share([o.cites for o in outcomes]),
        "text_cites_no_source": share([o.cites_unknown for o in outcomes]),
        "excerpt_markup_in_text": share([o.markup for o in outcomes]),
        "flagged_unsupported": share([bool(o.unsupported) for o in outcomes]),
        "seconds_median": round(statistics.median(o.seconds for o in outcomes), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", action="store_true", help="use the generated corpus")
    parser.add_argument("--max-tokens", type=int, default=96, help="longest answer (96)")
    parser.add_argument("--label", default="", help="a name for this run in the results file")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("-v", "--verbose", action="store_true", help="print every answer")
    args = parser.parse_args()
    starter = ensure_starter_model(app_paths().models)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        real = not args.corpus and REALDOCS.exists()
        questions = realdocs_questions() if real else corpus_questions(home / "corpus")
        paths = AppPaths(home / "data", home / "config", home / "models", home / "cache")
        services = Services(
            paths,
            key=ephemeral_key(),  # a scratch folder, deleted after the run
            model_path=str(starter),
            temperature=0.0,
            max_tokens=args.max_tokens,
        )
        try:
            services.models.load(services.settings).result()
            files = sorted({q.file for q in questions})
            services.documents.add(files).result()
            outcomes: list[Outcome] = []
            for question in questions:
                started = time.monotonic()
                reply = services.chat.send(None, question.text, library="default").result()
                outcome = evaluate(question, reply, time.monotonic() - started)
                outcomes.append(outcome)
                if args.verbose:
                    print(f"\nQ [{question.lang}] {question.text}\nA {outcome.answer!r}")
                    for quote in outcome.quotes:
                        print(f"  > {quote}")
                    for sentence in outcome.unsupported:
                        print(f"  unsupported: {sentence}")
        finally:
            services.close()
    figures = summary(outcomes)
    figures_source = "bench/realdocs_questions.json" if real else "tests/corpus.py QUESTIONS"
    print(f"\n{figures_source}: {figures['questions']} questions, starter model, temperature 0")
    for key, value in figures.items():
        if key != "questions":
            print(f"  {key:<24} {value}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "label": args.label,
        "questions_from": figures_source,
        "max_tokens": args.max_tokens,
        "figures": figures,
        "answers": [asdict(outcome) for outcome in outcomes],
    }
    args.output.write_text(json.dumps(document, ensure_ascii=False, indent=2), "utf-8")
    print(f"written to {args.output}")


if __name__ == "__main__":
    main()
