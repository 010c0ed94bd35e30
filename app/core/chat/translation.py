"""Translating a question into the library's other language, so retrieval crosses languages.

The starter embedding model (all-MiniLM-L6-v2) is English-only and the
keyword index matches words, so an English question finds little in a
Spanish manual. The loaded chat model translates the question first — even
the 270M base starter does this well enough for a search — and both
phrasings are searched. It runs on the model worker like any generation,
greedily and briefly (a question is a line), and a translation that comes
out empty, in the wrong language or runaway long is dropped, never used.
"""

from __future__ import annotations

from dataclasses import replace

from app.core.cancel import CancelToken
from app.core.chat.prompt import ChatMessage, PlainFormat
from app.core.documents.language import LANGUAGE_NAMES, Language, language_of, other_language
from app.core.models.engine import Engine, Sampling

# Two worked examples per direction: a base model continues the pattern.
_PAIRS = (  # (English, Spanish). Measured on real manuals: five pairs translated worse than two.
    (
        "Where is the configuration file of the printer?",
        "¿Dónde está el archivo de configuración de la impresora?",
    ),
    (
        "How many users can log in at the same time?",
        "¿Cuántos usuarios pueden iniciar sesión a la vez?",
    ),
)
# Worked examples per target language: a base model continues the pattern.
_EXAMPLES: dict[Language, tuple[tuple[str, str], ...]] = {
    "es": _PAIRS,
    "en": tuple((spanish, english) for english, spanish in _PAIRS),
}
_MAX_QUESTION_CHARS = 400  # longer messages are not questions to translate for a search
GREEDY = Sampling(temperature=0.0, top_p=1.0, top_k=1, min_p=0.0, repeat_penalty=1.0)


def translation_prompt(engine: Engine, question: str, target: Language) -> list[int]:
    """The prompt tokens asking `engine`'s model for `question` in `target`."""
    source: Language = "en" if target == "es" else "es"
    question = " ".join(engine.neutralize(question).split())
    instruction = (
        f"Translate the user's question from {LANGUAGE_NAMES[source]} into "
        f"{LANGUAGE_NAMES[target]}. Reply with the translated question only, on one line, "
        "without answering it."
    )
    return pairs_or_instruction(engine, question, source, target, _EXAMPLES[target], instruction)


def pairs_or_instruction(
    engine: Engine,
    text: str,
    source: Language,
    target: Language,
    examples: tuple[tuple[str, str], ...],
    instruction: str,
) -> list[int]:
    """A translation prompt: worked `examples` for a base model to continue (one without a
    chat template), else `instruction` as the system message and `text` as the user's."""
    source_name, target_name = LANGUAGE_NAMES[source], LANGUAGE_NAMES[target]
    if isinstance(engine.prompt_format, PlainFormat):
        shots = "".join(
            f"{source_name}: {original}\n{target_name}: {translated}\n\n"
            for original, translated in examples
        )
        return engine.tokenize(f"{shots}{source_name}: {text}\n{target_name}:")
    return engine.prompt_tokens([ChatMessage("system", instruction), ChatMessage("user", text)])


def translate_question(
    engine: Engine, question: str, target: Language, cancel: CancelToken
) -> str | None:
    """`question` in `target`, or None when the model gave no usable translation."""
    question = question.strip()
    if not question or len(question) > _MAX_QUESTION_CHARS:
        return None
    tokens = translation_prompt(engine, question, target)
    budget = min(160, 2 * len(engine.tokenize(question)) + 16)
    generation = engine.generate(tokens, replace(GREEDY, max_tokens=budget), cancel, stop=("\n",))
    text = "".join(generation).strip().strip("\"'«»“”").strip()
    stats = generation.stats
    if stats is not None and stats.finish_reason in ("length", "cancelled"):
        return None  # ran on without ending the line: not a translation
    if not text or text.casefold() == question.casefold() or language_of(text) != target:
        return None
    return text


def search_phrasings(
    engine: Engine, question: str, library_languages: frozenset[Language], cancel: CancelToken
) -> tuple[str, ...]:
    """Other phrasings to search `question` by: its translation, when the library holds
    passages in the other language; none when it does not or the model gave nothing."""
    target = other_language(language_of(question))
    if target not in library_languages:
        return ()
    translated = translate_question(engine, question, target, cancel)
    return (translated,) if translated else ()
