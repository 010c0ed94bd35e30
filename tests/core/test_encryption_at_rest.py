"""Encrypted at rest: no byte under the data folders holds what the user wrote or added.

The canary test runs the real services (the starter model answering from a real
document) and reads every file Confidente keeps, WAL and journal files included,
while the stores are open and after they are closed. The migration test turns
the stores back into the plain SQLite files an older Confidente left, and
checks that the next start encrypts them and leaves no plain copy behind.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from app.core import data_key, sql
from app.core.chat.service import ChatReply
from app.core.data_key import KEY_FILE
from app.core.database import PLAIN_HEADER
from app.core.documents.service import DEFAULT_LIBRARY
from app.core.paths import AppPaths
from app.core.services import Services

# Written in a conversation, and in a document; both are unusual enough to be found only
# where they were copied. The index keeps words folded to lower case, so look for that too.
CHAT_CANARY = "Quillacollo-Zanzibar pelican code"
DOCUMENT_CANARY = "The Tepozteco-Ouagadougou vault opens with lever nine."
CANARIES = (
    CHAT_CANARY,
    DOCUMENT_CANARY,
    "quillacollo",
    "tepozteco",
    "ouagadougou",
    "Ouagadougou",
    "Quillacollo",
)


def every_byte(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def canaries_found(folder: Path) -> list[str]:
    found = []
    for path, content in every_byte(folder).items():
        for canary in CANARIES:
            for encoded in (canary.encode("utf-8"), canary.encode("utf-16-le")):
                if encoded in content:
                    found.append(f"{canary!r} in {path.relative_to(folder)}")
    return found


def fill(services: Services, tmp_path: Path) -> ChatReply:
    document = tmp_path / "vault notes.txt"
    document.write_text(f"Notes from the archive.\n\n{DOCUMENT_CANARY}\n", "utf-8")
    services.documents.add([document]).result()
    reply = services.chat.send(
        None, f"{CHAT_CANARY}: how does the vault open?", library=DEFAULT_LIBRARY
    ).result()
    assert any("Tepozteco-Ouagadougou" in source.text for source in reply.sources)
    return reply


def test_no_canary_on_disk_while_open_or_after(
    services: Services, tmp_path: Path, confidente_home: Path
) -> None:
    reply = fill(services, tmp_path)
    # What was written is really there, for the key's holder.
    [question, answer] = services.store.messages(reply.conversation_id)
    assert CHAT_CANARY in question.content
    assert any(DOCUMENT_CANARY in source.text for source in answer.sources)
    assert {h.conversation_id for h in services.store.search("quillacollo")} == {
        reply.conversation_id
    }
    assert services.documents.search("Ouagadougou vault", mode="keyword")

    files = every_byte(confidente_home)
    assert any(p.name.endswith("-wal") for p in files)  # the WALs were read too
    assert canaries_found(confidente_home) == []
    services.close()
    assert canaries_found(confidente_home) == []
    for store in (services.paths.conversations_db, catalog_file(services.paths)):
        assert not store.read_bytes().startswith(PLAIN_HEADER)


def catalog_file(paths: AppPaths) -> Path:
    return paths.data / "documents" / "catalog.sqlite3"


def decrypt_in_place(path: Path, key: data_key.DataKey) -> None:
    """Turn an encrypted store into the plain SQLite file an older Confidente wrote."""
    plain = path.with_name(path.name + ".plain")
    db = sql.connect(path, isolation_level=None)
    try:
        db.execute(f"PRAGMA key = {key.sql_literal()}")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        db.execute("ATTACH DATABASE ? AS plain KEY ''", (str(plain),))
        db.execute("SELECT sqlcipher_export('plain')")
        db.execute(f"PRAGMA plain.user_version = {version}")
        db.execute("DETACH DATABASE plain")
    finally:
        db.close()
    plain.replace(path)
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            path.with_name(path.name + suffix).unlink()


def test_plain_stores_from_an_older_confidente_are_encrypted_on_start(
    services: Services, tmp_path: Path, confidente_home: Path, starter_model: Path
) -> None:
    reply = fill(services, tmp_path)
    paths, key = services.paths, services.key
    services.close()
    for store in (paths.conversations_db, catalog_file(paths)):
        decrypt_in_place(store, key)
        assert store.read_bytes().startswith(PLAIN_HEADER)
    (paths.data / KEY_FILE).unlink()  # before encryption there was no key
    data_key.forget(paths)
    assert canaries_found(confidente_home)  # the plain files hold them, as they did

    again = Services(model_path=str(starter_model))
    try:
        assert again.key != key  # a new key for the migrated data
        [question, _] = again.store.messages(reply.conversation_id)
        assert CHAT_CANARY in question.content
        assert again.documents.search("Ouagadougou vault", mode="keyword")
        assert canaries_found(confidente_home) == []
        leftovers = [p.name for p in (paths.data).rglob("*") if ".plain" in p.name]
        assert leftovers == []
    finally:
        again.close()
