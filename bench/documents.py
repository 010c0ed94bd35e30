"""Document benchmarks: `make bench` (figures are printed, nothing is asserted).

1. Ingestion, pages/s, on the PDFs of the generated test corpus (copied a few
   times to have a few hundred pages), in the same run:
   - pypdf alone: `PdfReader(...).pages[i].extract_text()`, in-process;
   - embedding alone: the same pages, chunked as the app does, through MiniLM;
   - Confidente end to end: `DocumentService.add` (hash, sandboxed reading in a
     child process, chunking, embedding, catalog + FTS5 + Chroma writes).
2. Search latency, p50/p95, with 100k passages in one library. Embedding 100k
   real passages would take most of an hour on two cores, so the passages are
   synthetic: texts assembled from the corpus's own sentences (so FTS5 has
   realistic postings) and vectors drawn near the embeddings of real passages
   (so the HNSW graph has realistic neighbourhoods). Each query is a corpus
   question, embedded for real, so the figure includes embedding the query.
"""

from __future__ import annotations

import dataclasses
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from app.core.data_key import ephemeral_key
from app.core.documents.chunking import chunk_pages
from app.core.documents.records import Chunk, Page
from app.core.documents.service import DocumentService
from app.core.paths import AppPaths
from app.core.settings import Settings
from app.core.worker import Worker
from tests.corpus import QUESTIONS, build_corpus

COPIES = 4
SEARCH_PASSAGES = 100_000
SEARCH_ROUNDS = 3


def open_service(home: Path) -> tuple[DocumentService, Worker]:
    worker = Worker("index").start()
    paths = AppPaths(home / "data", home / "config", home / "models", home / "cache").ensure()
    settings = Settings()
    return DocumentService(worker, paths, lambda: settings, key=ephemeral_key()), worker


def pdf_folder(tmp: Path) -> tuple[Path, int]:
    corpus = tmp / "corpus"
    corpus.mkdir()
    build_corpus(corpus)
    pdfs = tmp / "pdfs"
    pdfs.mkdir()
    for copy in range(COPIES):
        for pdf in sorted(corpus.glob("*.pdf")):
            shutil.copy(pdf, pdfs / f"{pdf.stem}-{copy}.pdf")
    from pypdf import PdfReader

    pages = sum(len(PdfReader(p).pages) for p in pdfs.glob("*.pdf"))
    return pdfs, pages


def pypdf_alone(folder: Path) -> tuple[float, list[Page]]:
    from pypdf import PdfReader

    started = time.perf_counter()
    pages: list[Page] = []
    for pdf in sorted(folder.glob("*.pdf")):
        reader = PdfReader(pdf)
        pages.extend(Page(i + 1, page.extract_text()) for i, page in enumerate(reader.pages))
    return time.perf_counter() - started, pages


def embedding_alone(service: DocumentService, pages: list[Page]) -> float:
    settings = Settings()
    chunks = chunk_pages(pages, settings.chunk_size, settings.chunk_overlap)
    embedder = service.embedder(None)
    embedder.encode(["warm up"])
    started = time.perf_counter()
    for offset in range(0, len(chunks), 64):
        embedder.encode([c.text for c in chunks[offset : offset + 64]])
    return time.perf_counter() - started


def ingestion(tmp: Path) -> None:
    folder, page_count = pdf_folder(tmp)
    print(f"Ingestion: {page_count} PDF pages ({COPIES} copies of the corpus PDFs)")
    service, worker = open_service(tmp / "home-ingest")
    try:
        service.embedder(None).encode(["load the model before timing"])
        seconds_pypdf, pages = pypdf_alone(folder)
        seconds_embed = embedding_alone(service, pages)
        started = time.perf_counter()
        report = service.add([folder]).result()
        seconds_app = time.perf_counter() - started
    finally:
        worker.shutdown()
        service.close()
    rows = [
        ("pypdf extraction alone", seconds_pypdf),
        ("embedding alone (MiniLM)", seconds_embed),
        ("Confidente end to end", seconds_app),
    ]
    for label, seconds in rows:
        print(f"  {label:<28} {page_count / seconds:8.1f} pages/s  ({seconds:.2f} s)")
    print(
        f"  end to end / (pypdf + embedding): "
        f"{(seconds_pypdf + seconds_embed) / seconds_app:.2f} of the two steps' combined speed; "
        f"{report.chunks} passages"
    )


def search_latency(tmp: Path) -> None:
    corpus = tmp / "corpus-search"
    corpus.mkdir()
    build_corpus(corpus)
    service, worker = open_service(tmp / "home-search")
    try:
        service.add([corpus]).result()
        library = service.catalog.library("default")
        assert library is not None
        real_ids = sorted(service.catalog.chunk_ids(library.id))
        real = service.catalog.chunk_texts(real_ids)
        texts = [text for _, _, text in real]
        base = service.embedder(None).encode(texts)
        sentences = [s.strip() + "." for t in texts for s in t.split(".") if len(s.strip()) > 20]
        rng = random.Random(7)
        noise = np.random.default_rng(7)
        print(f"\nSearch latency with {SEARCH_PASSAGES} passages (synthetic, see docstring)")
        started = time.perf_counter()
        made = len(real)
        batch = 2000
        file_number = 0
        while made < SEARCH_PASSAGES:
            count = min(batch, SEARCH_PASSAGES - made)
            chunks = [Chunk(None, 0, 0, " ".join(rng.sample(sentences, 6))) for _ in range(count)]
            chunks = [dataclasses.replace(c, end=len(c.text)) for c in chunks]
            picks = base[noise.integers(0, len(base), count)]
            vectors = picks + noise.normal(0, 0.05, picks.shape).astype(np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            file_number += 1
            file_id, ids = service.catalog.begin_file(
                library.id,
                f"/synthetic/file-{file_number}.txt",
                kind="text",
                content_hash=str(file_number),
                size=0,
                chunks=chunks,
            )
            service.vectors.add(library.id, file_id, ids, vectors.astype(np.float32))
            service.catalog.finish_file(file_id, pages=1, chunks=count)
            made += count
        print(f"  built in {time.perf_counter() - started:.0f} s")
        service.search("warm up the caches", k=5)
        latencies: list[float] = []
        for _ in range(SEARCH_ROUNDS):
            for question in QUESTIONS:
                t0 = time.perf_counter()
                service.search(question.text, k=5)
                latencies.append((time.perf_counter() - t0) * 1000)
        latencies.sort()
        p50 = statistics.median(latencies)
        p95 = latencies[int(0.95 * (len(latencies) - 1))]
        print(
            f"  {len(latencies)} searches: p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
            f"max {latencies[-1]:.1f} ms"
        )
    finally:
        worker.shutdown()
        service.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ingestion(Path(tmp))
        search_latency(Path(tmp))


if __name__ == "__main__":
    main()
