"""Questions translated by the real starter model, and telling Spanish from English."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.cancel import CancelToken
from app.core.chat.prompt import TemplateFormat
from app.core.chat.translation import search_phrasings, translate_question, translation_prompt
from app.core.documents.language import clear_language_of, language_of, languages_in, other_language
from app.core.models.engine import Engine, EngineConfig


@pytest.fixture(scope="module")
def engine(starter_model: Path) -> Iterator[Engine]:
    loaded = Engine(EngineConfig(starter_model, context_length=1024, threads=2, seed=1))
    yield loaded
    loaded.close()


@pytest.mark.parametrize(
    ("question", "target"),
    [
        ("How much memory does the installer need?", "es"),
        ("Where are the backups of the server kept?", "es"),
        ("¿Qué puerto usa el servidor de correo?", "en"),
    ],
)
def test_the_starter_translates_a_question_into_the_other_language(
    engine: Engine, question: str, target: str
) -> None:
    translated = translate_question(engine, question, target, CancelToken())  # type: ignore[arg-type]
    assert translated is not None
    assert language_of(translated) == target
    assert "\n" not in translated
    assert translated.casefold() != question.casefold()


def test_a_base_model_gets_worked_examples_ending_where_the_translation_starts(
    engine: Engine,
) -> None:
    prompt = engine._llm.detokenize(translation_prompt(engine, "Is it free?", "es")).decode()
    assert prompt.count("English:") == 3
    assert prompt.rstrip().endswith("English: Is it free?\nSpanish:")


def test_an_instruct_model_is_asked_in_its_own_chat_template(engine: Engine) -> None:
    chatml = (
        "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}"
        "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
    )
    original = engine.prompt_format
    engine.prompt_format = TemplateFormat(chatml, bos_token="", eos_token="")
    try:
        prompt = engine._llm.detokenize(translation_prompt(engine, "¿Es gratis?", "en")).decode()
    finally:
        engine.prompt_format = original
    assert "Translate the user's question from Spanish into English" in prompt
    assert "<|im_start|>user\n¿Es gratis?<|im_end|>" in prompt
    assert prompt.endswith("<|im_start|>assistant\n")


def test_nothing_usable_is_not_a_translation(engine: Engine) -> None:
    cancelled = CancelToken()
    cancelled.cancel()
    assert translate_question(engine, "How do I print?", "es", cancelled) is None
    assert translate_question(engine, "   ", "es", CancelToken()) is None
    assert translate_question(engine, "word " * 200, "es", CancelToken()) is None


def test_languages_are_told_apart_and_unclear_text_has_none() -> None:
    assert language_of("¿Cuánta memoria necesita el instalador?") == "es"
    assert language_of("How much memory does the installer need?") == "en"
    assert clear_language_of("eth0 10.0.0.1/24 | 255.255.255.0") is None
    assert other_language("es") == "en"
    passages = ["El servidor guarda las copias en el disco de la red."] * 8 + [
        "The server keeps the backups on the network disk."
    ] * 2
    assert languages_in(passages) == {"es", "en"}
    assert languages_in(passages[:8]) == {"es"}
    assert languages_in(["| 10 | 20 |"]) == frozenset()


def test_a_question_is_translated_only_for_a_library_in_the_other_language(
    engine: Engine,
) -> None:
    question = "Where are the backups of the server kept?"
    assert search_phrasings(engine, question, frozenset({"en"}), CancelToken()) == ()
    [spanish] = search_phrasings(engine, question, frozenset({"en", "es"}), CancelToken())
    assert language_of(spanish) == "es"
