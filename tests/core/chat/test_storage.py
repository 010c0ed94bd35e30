"""Conversations are stored, listed newest first, resumed, renamed, searched and deleted
without a trace; old files are upgraded and a bad file is left alone."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.chat import storage
from app.core.chat.storage import (
    MAX_TITLE_LENGTH,
    SCHEMA_VERSION,
    ConversationStore,
    SearchHit,
    match_expression,
)
from app.core.documents.records import Quote, Source
from app.core.errors import StorageError
from tests.data_keys import home_key, open_encrypted
from tests.sqlcipher_pages import decrypted_bytes


def test_store_list_and_resume(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "c.sqlite3", home_key())
    first = store.create_conversation("First", "Be brief.")
    second = store.create_conversation("Second")
    store.add_message(first.id, "user", "hola")
    store.add_message(first.id, "assistant", "¡hola!", stopped=True)
    store.close()

    reopened = ConversationStore(tmp_path / "c.sqlite3", home_key())
    assert [c.title for c in reopened.list_conversations()] == ["First", "Second"]
    messages = reopened.messages(first.id)
    assert [(m.role, m.content, m.stopped) for m in messages] == [
        ("user", "hola", False),
        ("assistant", "¡hola!", True),
    ]
    assert reopened.get_conversation(first.id).system_prompt == "Be brief."
    reopened.set_context_start(first.id, 1)
    assert reopened.get_conversation(first.id).context_start == 1
    with pytest.raises(StorageError, match="no conversation"):
        reopened.get_conversation(second.id + 100)
    reopened.close()


def test_a_corrupt_file_gives_a_clear_error_and_is_not_touched(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    junk = b"this is not a database" * 100
    path.write_bytes(junk)
    with pytest.raises(StorageError, match="cannot be opened"):
        ConversationStore(path, home_key())
    assert path.read_bytes() == junk


def test_a_version_1_file_is_upgraded_and_keeps_its_messages(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(
        """
        CREATE TABLE conversations (id INTEGER PRIMARY KEY, title TEXT NOT NULL,
            created REAL NOT NULL, updated REAL NOT NULL, system_prompt TEXT,
            context_start INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE messages (id INTEGER PRIMARY KEY, conversation_id INTEGER NOT NULL,
            role TEXT NOT NULL, content TEXT NOT NULL, created REAL NOT NULL,
            stopped INTEGER NOT NULL DEFAULT 0);
        INSERT INTO conversations VALUES (1, 'Old', 1.0, 1.0, NULL, 0);
        INSERT INTO messages VALUES (1, 1, 'user', 'Hola', 1.0, 0);
        PRAGMA user_version = 1;
        """
    )
    db.close()
    store = ConversationStore(path, home_key())
    try:
        [message] = store.messages(1)
        assert message.content == "Hola"
        assert message.sources == ()
        source = Source(1, "/docs/a.pdf", 3, "El plazo es de 30 días.", 0.9, 10, 33, "pdf")
        answer = store.add_message(1, "assistant", "Treinta días [1].", sources=(source,))
        assert store.messages(1)[-1] == answer
        assert store.messages(1)[-1].sources == (source,)
    finally:
        store.close()


# --- managing conversations -------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ConversationStore]:
    opened = ConversationStore(tmp_path / "c.sqlite3", home_key())
    yield opened
    opened.close()


def test_rename_keeps_the_order_and_refuses_empty_or_long_titles(
    store: ConversationStore, tmp_path: Path
) -> None:
    older = store.create_conversation("Recetas")
    newer = store.create_conversation("Viajes")
    renamed = store.rename_conversation(older.id, "  Recetas\nde  invierno ")
    assert renamed.title == "Recetas de invierno"  # one line, trimmed
    assert renamed.updated == older.updated  # renaming is not a new message
    assert [c.title for c in store.list_conversations()] == ["Viajes", "Recetas de invierno"]
    for bad in ("", "   \n "):
        with pytest.raises(StorageError, match="needs a title"):
            store.rename_conversation(older.id, bad)
    with pytest.raises(StorageError, match=f"at most {MAX_TITLE_LENGTH}"):
        store.rename_conversation(older.id, "x" * (MAX_TITLE_LENGTH + 1))
    with pytest.raises(StorageError, match="needs a title"):
        store.create_conversation(" ")
    with pytest.raises(StorageError, match="no conversation"):
        store.rename_conversation(newer.id + 100, "Otro")
    assert store.rename_conversation(older.id, "y" * MAX_TITLE_LENGTH).title == "y" * 200
    store.rename_conversation(older.id, "Recetas de invierno")
    # The search follows the title.
    assert [h.conversation_id for h in store.search("invierno")] == [older.id]
    assert store.search("y" * 10) == []
    store.close()
    reopened = ConversationStore(tmp_path / "c.sqlite3", home_key())
    assert reopened.get_conversation(older.id).title == "Recetas de invierno"
    reopened.close()


def test_a_conversation_has_its_own_system_prompt(store: ConversationStore) -> None:
    conversation = store.create_conversation("Traducciones")
    assert store.get_conversation(conversation.id).system_prompt is None
    updated = store.set_system_prompt(conversation.id, "  Translate everything.\n")
    assert updated.system_prompt == "Translate everything."
    assert store.get_conversation(conversation.id).system_prompt == "Translate everything."
    store.set_system_prompt(conversation.id, "   ")  # blank: back to the settings' prompt
    assert store.get_conversation(conversation.id).system_prompt is None
    store.set_system_prompt(conversation.id, "Be brief.")
    store.set_system_prompt(conversation.id, None)
    assert store.get_conversation(conversation.id).system_prompt is None
    with pytest.raises(StorageError, match="no conversation"):
        store.set_system_prompt(conversation.id + 1, "Hola")


SECRET = "Ñandúzanzíbar"
SECRET_FOLDED = b"nanduzanzibar"  # as the search index holds it: no case, no accents


def file_bytes(path: Path) -> bytes:
    """The database file and its WAL, every page decrypted, free pages too: what the disk
    holds for someone with the key. To anyone else it is ciphertext."""
    raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    assert SECRET.encode() not in raw
    return decrypted_bytes(path, home_key())


def test_deleting_a_conversation_leaves_no_trace_of_its_text_on_disk(
    store: ConversationStore,
) -> None:
    kept = store.create_conversation("Recetas")
    store.add_message(kept.id, "user", "Una receta de tortilla de patatas")
    secret = store.create_conversation(f"Clave {SECRET}")
    for i in range(3):
        store.add_message(secret.id, "user", f"La clave es {SECRET}{i}, la cláusula siete.")
        store.add_message(secret.id, "assistant", f"Guardado: {SECRET}.")
    on_disk = file_bytes(store.path)
    assert SECRET.encode() in on_disk  # the messages and the title...
    assert SECRET_FOLDED in on_disk  # ...and the words of the search index are readable

    store.delete_conversation(secret.id)

    on_disk = file_bytes(store.path)
    assert SECRET.encode() not in on_disk
    assert SECRET_FOLDED not in on_disk
    assert "cláusula".encode() not in on_disk
    assert b"tortilla" in on_disk  # the other conversation is untouched
    assert [c.id for c in store.list_conversations()] == [kept.id]
    assert store.messages(secret.id) == []
    with pytest.raises(StorageError, match="no conversation"):
        store.get_conversation(secret.id)
    with pytest.raises(StorageError, match="no conversation"):
        store.delete_conversation(secret.id)
    assert store.search("nanduzanzibar") == []
    assert store.search("clausula") == []
    assert [h.message_id is not None for h in store.search("tortilla")] == [True]
    # This machine's SQLite overwrites deleted rows by default, so the bytes above cannot
    # prove that the store asks for it; other builds (Windows, macOS) do not by default.
    with store._transaction() as db:
        assert db.execute("PRAGMA secure_delete").fetchone()[0] == 1


def test_delete_messages_from_drops_a_message_and_what_followed(
    store: ConversationStore,
) -> None:
    conversation = store.create_conversation("Plan")
    first = store.add_message(conversation.id, "user", "Primera pregunta")
    store.add_message(conversation.id, "assistant", "Primera respuesta")
    second = store.add_message(conversation.id, "user", f"Segunda pregunta {SECRET}")
    store.add_message(conversation.id, "assistant", "Segunda respuesta")
    store.set_context_start(conversation.id, 3)

    store.delete_messages_from(conversation.id, second.id)

    assert [m.content for m in store.messages(conversation.id)] == [
        "Primera pregunta",
        "Primera respuesta",
    ]
    assert store.get_conversation(conversation.id).context_start == 2  # within the messages
    assert store.search(SECRET) == []
    assert SECRET_FOLDED not in file_bytes(store.path)
    store.delete_messages_from(conversation.id, first.id + 1)
    assert [m.id for m in store.messages(conversation.id)] == [first.id]


def test_search_folds_accents_and_case_and_shows_the_words_around_the_match(
    store: ConversationStore,
) -> None:
    plan = store.create_conversation("Plan de acción")
    question = store.add_message(plan.id, "user", "¿Qué dice el contrato sobre la rescisión?")
    long_answer = (
        "El contrato tiene muchas cláusulas. " * 10
        + "La RESCISIÓN anticipada exige un preaviso de treinta días. "
        + "Las demás condiciones siguen igual. " * 10
    )
    answer = store.add_message(plan.id, "assistant", long_answer)
    other = store.create_conversation("Recetas")
    store.add_message(other.id, "user", "Accion de gracias: receta del pavo")

    hits = store.search("rescision")
    assert {(h.conversation_id, h.message_id, h.role) for h in hits} == {
        (plan.id, question.id, "user"),
        (plan.id, answer.id, "assistant"),
    }
    by_message = {h.message_id: h for h in hits}
    snippet = by_message[answer.id].snippet
    assert "RESCISIÓN anticipada" in snippet  # the words around the match, as written
    assert snippet.startswith("…")
    assert snippet.endswith("…")
    assert len(snippet) < len(long_answer) // 4
    assert by_message[answer.id].title == "Plan de acción"

    # Accents and case fold both ways; the title matches first, then the messages.
    accion = store.search("ACCIÓN")
    assert accion[0] == SearchHit(plan.id, "Plan de acción", None, "Plan de acción", None)
    assert {h.conversation_id for h in accion} == {plan.id, other.id}
    assert [h.conversation_id for h in store.search("accion gracias")] == [other.id]
    # The last word may be half typed; every word must be there.
    assert {h.message_id for h in store.search("contrato resc")} == {question.id, answer.id}
    assert store.search("contrato pavo") == []
    assert len(store.search("contrato", limit=1)) == 1
    assert store.search("") == store.search("   ") == []


HOSTILE_QUERIES = [
    '"',
    '""',
    "'",
    "*",
    "-",
    "^",
    "(",
    ")",
    "((",
    ":",
    "AND",
    "OR",
    "NOT",
    "NEAR",
    "NEAR(",
    "a OR",
    "NOT a",
    "NEAR(a b, 2)",
    "content:",
    "title: x",
    "{content title}: x",
    "x AND (y OR",
    "\x00",
    "x" * 5000,
    "palabra " * 200,
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_any_typed_text_is_a_valid_query(store: ConversationStore, query: str) -> None:
    conversation = store.create_conversation("Apuntes")
    store.add_message(conversation.id, "user", "Una frase cualquiera")
    assert store.search(query) == []


@pytest.mark.parametrize(
    "query",
    ['"acción', 'acción"', "(acción", "acción)", "*acción*", "^acción", "-acción", "acción:"],
)
def test_operators_around_a_word_are_ignored(store: ConversationStore, query: str) -> None:
    conversation = store.create_conversation("Notas")
    message = store.add_message(conversation.id, "user", "Un plan de acción")
    assert [h.message_id for h in store.search(query)] == [message.id]


def test_operator_words_are_searched_as_words(store: ConversationStore) -> None:
    conversation = store.create_conversation("Notes")
    near = store.add_message(conversation.id, "user", "The shop is NEAR the station")
    store.add_message(conversation.id, "user", "Nothing or nobody")
    assert [h.message_id for h in store.search("near")] == [near.id]
    assert [h.message_id for h in store.search('NEAR "station"')] == [near.id]
    assert [h.message_id for h in store.search("NOT nobody")] == []  # "not" is a word too


def test_match_expression_quotes_every_word() -> None:
    assert match_expression('acción "plan" NEAR') == '"acción" "plan" "NEAR"*'
    assert match_expression("*-^()") is None


SCHEMA_2 = """
CREATE TABLE conversations (id INTEGER PRIMARY KEY, title TEXT NOT NULL,
    created REAL NOT NULL, updated REAL NOT NULL, system_prompt TEXT,
    context_start INTEGER NOT NULL DEFAULT 0);
CREATE TABLE messages (id INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('user', 'assistant')), content TEXT NOT NULL,
    created REAL NOT NULL, stopped INTEGER NOT NULL DEFAULT 0, sources TEXT);
CREATE INDEX messages_by_conversation ON messages (conversation_id, id);
INSERT INTO conversations VALUES (1, 'Presupuesto de acción', 1.0, 2.0, 'Sé breve.', 0);
INSERT INTO conversations VALUES (2, 'Otra', 1.0, 1.0, NULL, 0);
INSERT INTO messages VALUES (1, 1, 'user', '¿Cuánto cuesta la rehabilitación?', 1.0, 0, NULL);
INSERT INTO messages VALUES (2, 1, 'assistant', 'La REHABILITACIÓN cuesta 3.000 €.', 2.0, 0, NULL);
INSERT INTO messages VALUES (3, 2, 'user', 'Hola', 1.0, 0, NULL);
PRAGMA user_version = 2;
"""


def test_a_version_2_file_is_upgraded_and_its_messages_become_searchable(
    tmp_path: Path,
) -> None:
    path = tmp_path / "v2.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(SCHEMA_2)
    db.close()

    store = ConversationStore(path, home_key())
    try:
        assert [m.content for m in store.messages(1)] == [
            "¿Cuánto cuesta la rehabilitación?",
            "La REHABILITACIÓN cuesta 3.000 €.",
        ]
        assert store.get_conversation(1).system_prompt == "Sé breve."
        assert {h.message_id for h in store.search("rehabilitacion")} == {1, 2}
        assert [(h.conversation_id, h.message_id) for h in store.search("accion")] == [(1, None)]
        new = store.add_message(2, "user", "Una pregunta nueva sobre la rehabilitación")
        assert new.id in {h.message_id for h in store.search("rehabilitación")}
        store.delete_conversation(1)
        assert [h.message_id for h in store.search("rehabilitacion")] == [new.id]
    finally:
        store.close()
    db = open_encrypted(path)
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 4
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        assert "search_index_pending" not in tables  # filled once, not on every open
    finally:
        db.close()
    reopened = ConversationStore(path, home_key())  # opening again changes nothing
    assert [h.message_id for h in reopened.search("rehabilitacion")] == [new.id]
    reopened.close()


SOURCE = Source(1, "/docs/a.pdf", 3, "Cláusula 9. El plazo es de 30 días.", 0.9, 10, 45, "pdf")
QUOTE = Quote(1, "/docs/a.pdf", 3, "El plazo es de 30 días.", 22, 45, 0.75)


def test_an_answer_keeps_its_quotes_when_the_conversation_is_reopened(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    store = ConversationStore(path, home_key())
    conversation = store.create_conversation("Plazo")
    store.add_message(conversation.id, "user", "¿Cuál es el plazo?")
    answer = store.add_message(
        conversation.id, "assistant", "30 días [1].", sources=(SOURCE,), quotes=(QUOTE,)
    )
    assert answer.quotes == (QUOTE,)
    store.close()
    reopened = ConversationStore(path, home_key())
    try:
        question, stored = reopened.messages(conversation.id)
        assert stored == answer
        assert stored.quotes == (QUOTE,)
        assert question.quotes == ()
    finally:
        reopened.close()


def test_a_version_3_file_is_upgraded_and_its_answers_have_no_quotes(tmp_path: Path) -> None:
    path = tmp_path / "v3.sqlite3"
    # Version 3 is today's schema without the quotes column.
    version_3 = re.sub(
        r"sources TEXT,[^\n]*\n\s*quotes TEXT[^\n]*", "sources TEXT", storage._SCHEMA
    )
    assert "quotes" not in version_3
    db = sqlite3.connect(path)
    db.executescript(version_3)
    db.execute("INSERT INTO conversations VALUES (1, 'Antigua', 1.0, 1.0, NULL, 0)")
    db.execute(
        "INSERT INTO messages VALUES (1, 1, 'assistant', 'Treinta días [1].', 1.0, 0, ?)",
        (storage._to_json((SOURCE,)),),
    )
    db.execute("PRAGMA user_version = 3")
    db.commit()
    db.close()
    store = ConversationStore(path, home_key())
    try:
        [old] = store.messages(1)
        assert (old.content, old.sources, old.quotes) == ("Treinta días [1].", (SOURCE,), ())
        assert [h.message_id for h in store.search("treinta")] == [1]
        new = store.add_message(1, "assistant", "30 días.", sources=(SOURCE,), quotes=(QUOTE,))
        assert store.messages(1)[-1] == new
    finally:
        store.close()
    db = open_encrypted(path)
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 4
    finally:
        db.close()


def test_quotes_written_by_another_version_are_left_out_not_an_error(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    store = ConversationStore(path, home_key())
    conversation = store.create_conversation("Plazo")
    message = store.add_message(conversation.id, "assistant", "30 días.", quotes=(QUOTE,))
    store.close()
    db = open_encrypted(path)
    db.execute(
        "UPDATE messages SET quotes = ? WHERE id = ?", ('[{"n": 1, "color": 2}]', message.id)
    )
    db.commit()
    db.close()
    reopened = ConversationStore(path, home_key())
    try:
        assert reopened.messages(conversation.id)[0].quotes == ()
    finally:
        reopened.close()


def test_renaming_leaves_no_trace_of_the_old_title_on_disk(store: ConversationStore) -> None:
    conversation = store.create_conversation(f"Clave {SECRET}")
    store.add_message(conversation.id, "user", "Una receta de tortilla")
    assert SECRET.encode() in file_bytes(store.path)

    store.rename_conversation(conversation.id, "Recetas")

    on_disk = file_bytes(store.path)
    assert SECRET.encode() not in on_disk
    assert SECRET_FOLDED not in on_disk  # nor in the title index
    assert [h.conversation_id for h in store.search("recetas")] == [conversation.id]


REMOVED_PATH = "/docs/Informe-Zubizarreta.pdf"
REMOVED_TEXT = "El saldo de la cuenta Quillacollo es de 4471 euros."


def test_forgetting_a_removed_document_keeps_the_answer_and_only_its_numbers(
    store: ConversationStore,
) -> None:
    """Issue 13: the passages of a removed document leave the answers that cited them."""
    conversation = store.create_conversation("Cuentas")
    store.add_message(conversation.id, "user", "¿Cuál es el saldo?")
    removed = Source(1, REMOVED_PATH, 2, REMOVED_TEXT, 0.9, 0, 51, "pdf")
    kept = Source(
        2, "/docs/otro.txt", None, "Nada que ver: la cantina abre a las ocho.", 0.5, 0, 40
    )
    answer = store.add_message(
        conversation.id,
        "assistant",
        "El saldo es de 4471 euros [1]; la cantina abre a las ocho [2].",
        sources=(removed, kept),
        quotes=(
            Quote(1, REMOVED_PATH, 2, REMOVED_TEXT, 0, 51, 0.8),
            Quote(2, kept.path, None, "la cantina abre a las ocho", 13, 39, 0.7),
        ),
    )
    other = store.create_conversation("Otra")
    store.add_message(other.id, "assistant", "Sin fuentes.")
    on_disk = file_bytes(store.path)
    assert REMOVED_TEXT.encode() in on_disk
    assert b"Zubizarreta" in on_disk

    assert store.forget_sources([REMOVED_PATH, "/docs/never-cited.md"]) == 1

    [_, stored] = store.messages(conversation.id)
    assert stored.id == answer.id
    assert stored.content == answer.content  # the answer still reads, [1] included
    assert stored.sources == (Source.removed_marker(1), kept)
    assert stored.sources[0].removed
    assert not stored.sources[1].removed
    assert [q.n for q in stored.quotes] == [2]
    on_disk = file_bytes(store.path)
    assert REMOVED_TEXT.encode() not in on_disk
    assert b"Zubizarreta" not in on_disk
    assert b"Quillacollo" not in on_disk
    assert b"la cantina abre a las ocho [2]" in on_disk
    assert store.forget_sources([REMOVED_PATH]) == 0  # nothing left to forget
    assert store.forget_sources([]) == 0
