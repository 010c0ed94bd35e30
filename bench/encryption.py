"""What encryption at rest costs: the same work on SQLCipher stores and on plain ones.

In one run, alternating, on real manuals (bench/realdocs.py's Debian PDFs, one
Spanish, one English: 177 pages):
- ingest, pages/s end to end (`DocumentService.add`: sandboxed reading,
  chunking, embedding, catalog + FTS5 + Chroma writes);
- opening the stores at start (the catalog and the conversations), median of
  20 opens of the filled files;
- search latency, p50/p95 over the bench questions, hybrid (keyword + vector);
- unlocking with a passphrase (Argon2id), the cost on a machine with no
  keychain; a keychain hands the key over without it.

The plain runs exist only here (the same SQLCipher build, its `PRAGMA key`
skipped): the app itself has no way to store anything unencrypted. Figures are printed and
written to bench-results/encryption.json.

    python -m bench.encryption
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

from app.core import database, sql
from app.core.chat.storage import ConversationStore
from app.core.data_key import DataKey, ephemeral_key
from app.core.documents.document_index import Catalog
from app.core.documents.service import DocumentService
from app.core.paths import AppPaths
from app.core.settings import Settings
from app.core.worker import Worker
from bench.realdocs import default_folder, fetch_corpus, load_questions

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results" / "encryption.json"
MANUALS = ("debian-faq.en.pdf", "edu-manual.es.pdf")
OPENS = 20
ROUNDS = 2


class _Unkeyed:
    """A SQLCipher connection that ignores `PRAGMA key`: with no key, the file is plain.
    The same SQLite build either way, so the comparison is the encryption alone."""

    def __init__(self, connection: Any) -> None:
        self._connection = connection

    def execute(self, statement: str, *args: Any) -> Any:
        if statement.startswith("PRAGMA key"):
            statement = "SELECT 1"
        return self._connection.execute(statement, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)


@contextmanager
def stores(plain: bool) -> Iterator[DataKey]:
    if not plain:
        yield ephemeral_key()
        return
    connect = sql.connect
    with (
        mock.patch.object(sql, "connect", lambda *a, **k: _Unkeyed(connect(*a, **k))),
        mock.patch.object(database, "encrypt_plain_file", return_value=None),
    ):
        yield ephemeral_key()  # never used


def one_run(pdfs: list[Path], pages: int, queries: list[str], plain: bool) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="confidente-encryption-") as tmp, stores(plain) as key:
        home = Path(tmp)
        paths = AppPaths(home / "data", home / "config", home / "models", home / "cache").ensure()
        settings = Settings()
        worker = Worker("index").start()
        service = DocumentService(worker, paths, lambda: settings, key=key)
        try:
            service.embedder(None).encode(["warm up"])
            started = time.perf_counter()
            service.add(pdfs).result()
            ingest = time.perf_counter() - started
            for query in queries[:3]:
                service.search(query)  # warm caches
            latencies = []
            for query in queries:
                started = time.perf_counter()
                service.search(query)
                latencies.append(time.perf_counter() - started)
        finally:
            service.close()
            worker.shutdown()
        catalog = paths.data / "documents" / "catalog.sqlite3"
        opens = []
        for _ in range(OPENS):
            started = time.perf_counter()
            Catalog(catalog, key).close()
            ConversationStore(paths.conversations_db, key).close()
            opens.append(time.perf_counter() - started)
        with catalog.open("rb") as file:
            encrypted = file.read(16) != database.PLAIN_HEADER
        assert encrypted != plain, "the run did not store what it claims"
    cuts = statistics.quantiles(latencies, n=20)
    return {
        "ingest_pages_per_s": pages / ingest,
        "open_stores_ms": 1000 * statistics.median(opens),
        "search_p50_ms": 1000 * statistics.median(latencies),
        "search_p95_ms": 1000 * cuts[18],
    }


def passphrase_unlock_s() -> float:
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

    started = time.perf_counter()
    Argon2id(salt=b"0" * 16, length=32, iterations=3, lanes=4, memory_cost=65536).derive(b"x" * 12)
    return time.perf_counter() - started


def main() -> None:
    from pypdf import PdfReader

    corpus = {p.name: p for p in fetch_corpus(default_folder())}
    pdfs = [corpus[name] for name in MANUALS]
    pages = sum(len(PdfReader(p).pages) for p in pdfs)
    answerable, unanswerable = load_questions()
    queries = [q.text for q in (*answerable, *unanswerable)]
    runs: dict[str, list[dict[str, float]]] = {"plain": [], "encrypted": []}
    for _ in range(ROUNDS):  # alternating, so drift in the machine hits both alike
        runs["plain"].append(one_run(pdfs, pages, queries, plain=True))
        runs["encrypted"].append(one_run(pdfs, pages, queries, plain=False))
    figures: dict[str, object] = {"pages": pages, "queries": len(queries)}
    print(f"Encryption at rest ({pages} pages of real manuals, {len(queries)} searches)")
    print(f"{'':24}{'plain':>10}{'encrypted':>12}{'ratio':>8}")
    for name in runs["plain"][0]:
        plain = statistics.median(r[name] for r in runs["plain"])
        encrypted = statistics.median(r[name] for r in runs["encrypted"])
        figures[name] = {"plain": plain, "encrypted": encrypted, "ratio": encrypted / plain}
        print(f"{name:24}{plain:>10.2f}{encrypted:>12.2f}{encrypted / plain:>8.2f}")
    unlock = passphrase_unlock_s()
    figures["passphrase_unlock_s"] = unlock
    print(f"unlocking with a passphrase (Argon2id, 64 MiB): {unlock:.2f} s")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
