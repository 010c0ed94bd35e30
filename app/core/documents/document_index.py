"""What is indexed: libraries, files, their passages, and the keyword index over them.

SQLite is the source of truth for the document index. Each file row has a
state: "writing" while its passages and vectors are being replaced, then
"indexed" (or "skipped"/"failed" with a reason). Searches only see indexed
files, so a process killed mid-write leaves nothing half-visible, and the
next write job finds the "writing" rows and clears them (`unfinished`).

The keyword index is FTS5 with the unicode61 tokenizer and
remove_diacritics=2: case and accents are folded, so "accion" finds
"Acción". Deleted text is overwritten on disk (secure_delete), merged out of
the FTS segments and checkpointed out of the WAL by `scrub`, so removing a
document really removes its words.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from app.core import sql
from app.core.data_key import DataKey
from app.core.database import Database, Schema
from app.core.documents.records import Chunk, IndexedFile

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS libraries (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    embedding_model TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS files (
    id INTEGER PRIMARY KEY,
    library_id INTEGER NOT NULL REFERENCES libraries(id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT '',
    content_hash TEXT NOT NULL DEFAULT '',
    size INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL CHECK (state IN ('writing', 'indexed', 'skipped', 'failed')),
    reason TEXT NOT NULL DEFAULT '',
    pages INTEGER NOT NULL DEFAULT 0,
    chunks INTEGER NOT NULL DEFAULT 0,
    updated REAL NOT NULL,
    UNIQUE (library_id, path)
);
CREATE TABLE IF NOT EXISTS chunks (
    id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL REFERENCES files(id),
    page INTEGER,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_by_file ON chunks (file_id);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5 (
    text, content='chunks', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS chunks_fts_insert AFTER INSERT ON chunks BEGIN
    INSERT INTO chunks_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER IF NOT EXISTS chunks_fts_delete AFTER DELETE ON chunks BEGIN
    INSERT INTO chunks_fts (chunks_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
"""


@dataclass(frozen=True)
class Library:
    id: int
    name: str
    embedding_model: str


@dataclass(frozen=True)
class FileRecord:
    id: int
    path: str
    content_hash: str
    state: str
    chunks: int
    reason: str


@dataclass(frozen=True)
class StoredChunk:
    id: int
    file_id: int
    path: str
    kind: str
    page: int | None
    start: int
    end: int
    text: str


_CATALOG = Schema(
    script=_SCHEMA,
    version=SCHEMA_VERSION,
    upgrades={},
    marker_table="files",
    label="the document index",
    remedy="move it away to start an empty index (your documents are not affected).",
)


class Catalog:
    def __init__(self, path: Path, key: DataKey) -> None:
        self.path = path
        self._database = Database(path, _CATALOG, key, pragmas=("secure_delete = ON",))
        self._transaction = self._database.transaction

    # Libraries

    def library(self, name: str, embedding_model: str | None = None) -> Library | None:
        """The library called `name`; created when `embedding_model` is given."""
        with self._transaction() as db:
            row = db.execute(
                "SELECT id, name, embedding_model FROM libraries WHERE name = ?", (name,)
            ).fetchone()
            if row is None and embedding_model is not None:
                cursor = db.execute(
                    "INSERT INTO libraries (name, embedding_model, created) VALUES (?, ?, ?)",
                    (name, embedding_model, time.time()),
                )
                row = (int(cursor.lastrowid or 0), name, embedding_model)
        return Library(*row) if row else None

    def set_embedding_model(self, library_id: int, embedding_model: str) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE libraries SET embedding_model = ? WHERE id = ?",
                (embedding_model, library_id),
            )

    def libraries(self) -> list[Library]:
        with self._transaction() as db:
            rows = db.execute("SELECT id, name, embedding_model FROM libraries ORDER BY name")
            return [Library(*row) for row in rows.fetchall()]

    def delete_library(self, library_id: int) -> None:
        with self._transaction() as db:
            db.execute(
                "DELETE FROM chunks WHERE file_id IN (SELECT id FROM files WHERE library_id = ?)",
                (library_id,),
            )
            db.execute("DELETE FROM files WHERE library_id = ?", (library_id,))
            db.execute("DELETE FROM libraries WHERE id = ?", (library_id,))

    # Files

    def _records(self, condition: str, parameters: tuple[object, ...]) -> list[FileRecord]:
        with self._transaction() as db:
            rows = db.execute(
                "SELECT id, path, content_hash, state, chunks, reason FROM files "
                f"WHERE {condition}",
                parameters,
            ).fetchall()
        return [FileRecord(*row) for row in rows]

    def file(self, library_id: int, path: str) -> FileRecord | None:
        found = self._records("library_id = ? AND path = ?", (library_id, path))
        return found[0] if found else None

    def files(self, library_id: int) -> list[IndexedFile]:
        with self._transaction() as db:
            rows = db.execute(
                "SELECT path, state, reason, pages, chunks, size, updated FROM files "
                "WHERE library_id = ? ORDER BY path",
                (library_id,),
            ).fetchall()
        return [IndexedFile(*row) for row in rows]

    def files_under(self, library_id: int, path: str) -> list[FileRecord]:
        """The file at `path`, or every file inside the folder at `path`."""
        slash, backslash = (path.rstrip("/\\") + sep for sep in ("/", "\\"))
        return self._records(
            "library_id = ? AND (path = ? OR substr(path, 1, ?) = ? OR substr(path, 1, ?) = ?)",
            (library_id, path, len(slash), slash, len(backslash), backslash),
        )

    def records(self, library_id: int) -> list[FileRecord]:
        return self._records("library_id = ?", (library_id,))

    def unfinished(self, library_id: int) -> list[FileRecord]:
        """Files a killed process left half-written."""
        return self._records("library_id = ? AND state = 'writing'", (library_id,))

    def begin_file(
        self,
        library_id: int,
        path: str,
        *,
        kind: str,
        content_hash: str,
        size: int,
        chunks: Sequence[Chunk],
    ) -> tuple[int, list[int]]:
        """Replace a file's passages; it stays invisible ("writing") until `finish_file`."""
        with self._transaction() as db:
            file_id = self._upsert(db, library_id, path, kind, content_hash, size, "writing", "")
            db.execute("DELETE FROM chunks WHERE file_id = ?", (file_id,))
            ids: list[int] = []
            for chunk in chunks:
                cursor = db.execute(
                    "INSERT INTO chunks (file_id, page, start, end, text) VALUES (?, ?, ?, ?, ?)",
                    (file_id, chunk.page, chunk.start, chunk.end, chunk.text),
                )
                ids.append(int(cursor.lastrowid or 0))
        return file_id, ids

    def finish_file(self, file_id: int, *, pages: int, chunks: int) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE files SET state = 'indexed', pages = ?, chunks = ?, updated = ? "
                "WHERE id = ?",
                (pages, chunks, time.time(), file_id),
            )

    def mark_writing(self, file_id: int) -> None:
        with self._transaction() as db:
            db.execute("UPDATE files SET state = 'writing' WHERE id = ?", (file_id,))

    def record_unread(
        self,
        library_id: int,
        path: str,
        *,
        kind: str,
        content_hash: str,
        size: int,
        state: str,
        reason: str,
    ) -> None:
        """Remember a skipped or failed file (with why), holding no passages."""
        with self._transaction() as db:
            file_id = self._upsert(db, library_id, path, kind, content_hash, size, state, reason)
            db.execute("DELETE FROM chunks WHERE file_id = ?", (file_id,))

    def delete_file(self, file_id: int) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM chunks WHERE file_id = ?", (file_id,))
            db.execute("DELETE FROM files WHERE id = ?", (file_id,))

    @staticmethod
    def _upsert(
        db: sql.Connection,
        library_id: int,
        path: str,
        kind: str,
        content_hash: str,
        size: int,
        state: str,
        reason: str,
    ) -> int:
        now = time.time()
        db.execute(
            "INSERT INTO files (library_id, path, kind, content_hash, size, state, reason, "
            "pages, chunks, updated) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, ?) "
            "ON CONFLICT (library_id, path) DO UPDATE SET kind = excluded.kind, "
            "content_hash = excluded.content_hash, size = excluded.size, "
            "state = excluded.state, reason = excluded.reason, pages = 0, chunks = 0, "
            "updated = excluded.updated",
            (library_id, path, kind, content_hash, size, state, reason, now),
        )
        row = db.execute(
            "SELECT id FROM files WHERE library_id = ? AND path = ?", (library_id, path)
        ).fetchone()
        return int(row[0])

    # Passages

    def chunk_ids(self, library_id: int, *, states: tuple[str, ...] = ("indexed",)) -> set[int]:
        marks = ",".join("?" * len(states))
        with self._transaction() as db:
            rows = db.execute(
                "SELECT chunks.id FROM chunks JOIN files ON files.id = chunks.file_id "
                f"WHERE files.library_id = ? AND files.state IN ({marks})",
                (library_id, *states),
            ).fetchall()
        return {int(row[0]) for row in rows}

    def chunks(self, ids: Sequence[int]) -> dict[int, StoredChunk]:
        """The passages with these ids that belong to indexed files."""
        found: dict[int, StoredChunk] = {}
        with self._transaction() as db:
            for offset in range(0, len(ids), 500):
                batch = list(ids[offset : offset + 500])
                marks = ",".join("?" * len(batch))
                rows = db.execute(
                    "SELECT chunks.id, file_id, files.path, files.kind, page, start, end, text "
                    "FROM chunks JOIN files ON files.id = chunks.file_id "
                    f"WHERE files.state = 'indexed' AND chunks.id IN ({marks})",
                    batch,
                ).fetchall()
                for row in rows:
                    found[int(row[0])] = StoredChunk(*row)
        return found

    def following_text(self, chunk: StoredChunk, limit: int) -> str:
        """About `limit` characters of the page's text after `chunk` (from its end),
        taken from the passages that follow it on the same page; "" at the page's end."""
        with self._transaction() as db:
            rows = db.execute(
                "SELECT start, text FROM chunks WHERE file_id = ? AND page IS ? AND start >= ? "
                "ORDER BY start LIMIT 3",
                (chunk.file_id, chunk.page, chunk.end),
            ).fetchall()
        following, position = "", chunk.end
        for start, text in rows:
            if len(following) >= limit:
                break
            # Chunking trims the whitespace between passages: a line break stands in
            # for it, so that offsets stay those of the page.
            following += "\n" * (int(start) - position) + str(text)
            position = int(start) + len(text)
        return following[:limit]

    def chunk_texts(self, ids: Sequence[int]) -> list[tuple[int, int, str]]:
        """(chunk id, file id, text) for these ids, whatever their file's state."""
        result: list[tuple[int, int, str]] = []
        with self._transaction() as db:
            for offset in range(0, len(ids), 500):
                batch = list(ids[offset : offset + 500])
                marks = ",".join("?" * len(batch))
                result.extend(
                    db.execute(
                        f"SELECT id, file_id, text FROM chunks WHERE id IN ({marks}) ORDER BY id",
                        batch,
                    ).fetchall()
                )
        return result

    def sample_texts(self, library_id: int, limit: int) -> list[str]:
        """Up to `limit` passages of the library's indexed files, spread over all of them."""
        count = self.passage_count_of(library_id)
        step = max(1, count // max(limit, 1))
        with self._transaction() as db:
            rows = db.execute(
                "SELECT text FROM chunks JOIN files ON files.id = chunks.file_id "
                "WHERE files.library_id = ? AND files.state = 'indexed' AND chunks.id % ? = 0 "
                "LIMIT ?",
                (library_id, step, limit),
            ).fetchall()
        return [str(row[0]) for row in rows]

    def keyword_search(self, library_id: int, match: str, limit: int) -> list[int]:
        """Chunk ids of indexed files matching an FTS5 query, best first (BM25)."""
        with self._transaction() as db:
            try:
                rows = db.execute(
                    "SELECT chunks_fts.rowid FROM chunks_fts "
                    "JOIN chunks ON chunks.id = chunks_fts.rowid "
                    "JOIN files ON files.id = chunks.file_id "
                    "WHERE chunks_fts MATCH ? AND files.library_id = ? AND files.state = 'indexed' "
                    "ORDER BY bm25(chunks_fts) LIMIT ?",
                    (match, library_id, limit),
                ).fetchall()
            except sql.OperationalError:  # a query FTS5 cannot parse finds nothing
                return []
        return [int(row[0]) for row in rows]

    def passage_count(self) -> int:
        """Passages in the keyword index, all libraries together (for IDF)."""
        with self._transaction() as db:
            row = db.execute("SELECT count(*) FROM chunks").fetchone()
        return int(row[0])

    def passage_count_of(self, library_id: int) -> int:
        """Passages of the library's indexed files."""
        with self._transaction() as db:
            row = db.execute(
                "SELECT coalesce(sum(chunks), 0) FROM files "
                "WHERE library_id = ? AND state = 'indexed'",
                (library_id,),
            ).fetchone()
        return int(row[0])

    def document_frequency(self, match: str) -> int:
        """How many passages match an FTS5 query, all libraries together.

        IDF only weighs how telling a word is; counting over the whole index
        spares a join per term, which at 100k passages is most of the cost.
        """
        with self._transaction() as db:
            try:
                row = db.execute(
                    "SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH ?", (match,)
                ).fetchone()
            except sql.OperationalError:
                return 0
        return int(row[0])

    def scrub(self) -> None:
        """Make deleted text unrecoverable from the files on disk."""
        with self._transaction() as db:
            db.execute("INSERT INTO chunks_fts (chunks_fts) VALUES ('optimize')")
        self._database.execute_outside_transaction("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        self._database.close()
