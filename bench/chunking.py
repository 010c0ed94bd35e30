"""Which chunk size and overlap retrieve best: page recall@5 and MRR on the test corpus.

`python -m bench.chunking` indexes the generated Spanish/English corpus
(tests/corpus.py) once per (size, overlap) and asks all its questions in each
mode. The defaults in app/core/settings.py come from this table. It also
prints what the relevance bar sees (cosine similarity and share of question
words) for the right passage of each answerable question and for the best
passage of each unanswerable one, which is how MIN_SIMILARITY and
MIN_COVERAGE in app/core/documents/retrieval.py were set.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import tempfile
from pathlib import Path

from app.core.data_key import ephemeral_key
from app.core.documents.retrieval import content_terms, coverage, fuse, keyword_query
from app.core.documents.search import CANDIDATES, term_weights
from app.core.documents.service import DocumentService
from app.core.paths import AppPaths
from app.core.settings import Settings
from app.core.worker import Worker
from tests.corpus import QUESTIONS, UNANSWERABLE, build_corpus

GRID = [(300, 0), (400, 0), (400, 80), (600, 0), (600, 100), (800, 0), (800, 120), (1000, 0)]
MODES = ("keyword", "vector", "hybrid")


def open_service(home: Path, settings: Settings) -> tuple[DocumentService, Worker]:
    worker = Worker("index").start()
    paths = AppPaths(home / "data", home / "config", home / "models", home / "cache").ensure()
    return DocumentService(worker, paths, lambda: settings, key=ephemeral_key()), worker


def rank_of_answer(service: DocumentService, corpus: Path, mode: str) -> list[int | None]:
    ranks: list[int | None] = []
    for question in QUESTIONS:
        target = str((corpus / question.file).resolve())
        sources = service.search(question.text, k=10, mode=mode)
        rank = next((s.n for s in sources if s.path == target and s.page == question.page), None)
        ranks.append(rank)
    return ranks


def gate_values(service: DocumentService, question: str) -> list[tuple[float | None, float, str]]:
    """(similarity, coverage, path) of the fused candidates of `question`, best first."""
    library = service.catalog.library("default")
    assert library is not None
    terms = content_terms(question)
    keyword_ids = service.catalog.keyword_search(library.id, keyword_query(terms), CANDIDATES)
    vector = service.embedder(None).encode([question])[0]
    hits = service.vectors.query(library.id, vector, CANDIDATES)
    candidates = fuse(keyword_ids, hits)
    stored = service.catalog.chunks([c.chunk_id for c in candidates])
    weights = term_weights(service.catalog, terms)
    return [
        (c.similarity, coverage(terms, stored[c.chunk_id].text, weights), stored[c.chunk_id].path)
        for c in candidates
        if c.chunk_id in stored
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gate", action="store_true", help="print relevance-bar values")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        build_corpus(corpus)
        print(f"{len(QUESTIONS)} questions; page recall@5 and MRR@10 by mode\n")
        print(f"{'size':>5} {'overlap':>7} {'chunks':>6}  " + "  ".join(f"{m:>15}" for m in MODES))
        for size, overlap in GRID:
            settings = dataclasses.replace(Settings(), chunk_size=size, chunk_overlap=overlap)
            service, worker = open_service(Path(tmp) / f"home-{size}-{overlap}", settings)
            try:
                report = service.add([corpus]).result()
                cells = []
                for mode in MODES:
                    ranks = rank_of_answer(service, corpus, mode)
                    recall = sum(1 for r in ranks if r is not None and r <= 5) / len(ranks)
                    mrr = statistics.fmean(1 / r if r else 0.0 for r in ranks)
                    cells.append(f"{recall:6.3f} / {mrr:5.3f}")
                print(f"{size:>5} {overlap:>7} {report.chunks:>6}  " + "  ".join(cells))
                if args.gate and (size, overlap) == (Settings.chunk_size, Settings.chunk_overlap):
                    print_gate(service, corpus)
            finally:
                worker.shutdown()
                service.close()


def print_gate(service: DocumentService, corpus: Path) -> None:
    print("\nright passage of answerable questions: similarity, weighted coverage")
    for question in QUESTIONS:
        target = str((corpus / question.file).resolve())
        right = [(s, c) for s, c, path in gate_values(service, question.text) if path == target]
        sim, cov = max(right, key=lambda v: (v[0] or 0) + v[1]) if right else (None, 0.0)
        shown = "  none" if sim is None else f"{sim:6.3f}"
        print(f"  {shown} {cov:.2f}  {question.text}")
    print("\nbest candidates of unanswerable questions: similarity, weighted coverage")
    for text in UNANSWERABLE:
        values = gate_values(service, text)[:5]
        top_sim = max((s or 0.0 for s, _, _ in values), default=0.0)
        top_cov = max((c for _, c, _ in values), default=0.0)
        print(f"  {top_sim:6.3f} {top_cov:.2f}  {text}")


if __name__ == "__main__":
    main()
