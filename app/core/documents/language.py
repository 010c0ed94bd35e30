"""Telling Spanish from English, which is all Confidente needs to tell apart.

Counting telltale function words is enough for a question, a passage or an
answer: the two languages share few of them, and the texts are never short
enough for a statistical detector to beat it. No model, no download.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

Language = Literal["es", "en"]
LANGUAGES: tuple[Language, ...] = ("es", "en")
LANGUAGE_NAMES: dict[Language, str] = {"es": "Spanish", "en": "English"}

_SPANISH_HINTS = re.compile(
    r"[¿¡ñáéíóú]|\b(qué|cuál|cuáles|cómo|dónde|cuándo|cuánto|cuántos|cuánta|cuántas|por qué|"
    r"que|cual|como|donde|cuando|cuanto|el|la|los|las|del|de|en|es|son|para|una?|hay|se|"
    r"con|por|su|sus|al|lo|esta|este|puede)\b",
    re.IGNORECASE,
)
_ENGLISH_HINTS = re.compile(
    r"\b(what|which|how|where|when|who|why|the|is|are|of|in|for|a|an|does|do|there|to|and|"
    r"with|this|that|can|be|you|it|on|by)\b",
    re.IGNORECASE,
)
_MIN_HINTS = 3  # a passage with fewer telltale words (a table, a listing) has no language


def language_of(text: str) -> Language:
    """ "es" or "en", by counting telltale words; English when in doubt."""
    spanish = len(_SPANISH_HINTS.findall(text))
    english = len(_ENGLISH_HINTS.findall(text))
    return "es" if spanish > english else "en"


def clear_language_of(text: str) -> Language | None:
    """The language of a passage, or None when it has too few words to say."""
    spanish = len(_SPANISH_HINTS.findall(text))
    english = len(_ENGLISH_HINTS.findall(text))
    if max(spanish, english) < _MIN_HINTS or spanish == english:
        return None
    return "es" if spanish > english else "en"


def other_language(language: Language) -> Language:
    return "en" if language == "es" else "es"


def languages_in(texts: Iterable[str], min_share: float = 0.1) -> frozenset[Language]:
    """The languages that at least `min_share` of the passages with a clear language use."""
    counts: dict[Language, int] = {}
    for text in texts:
        found = clear_language_of(text)
        if found is not None:
            counts[found] = counts.get(found, 0) + 1
    total = sum(counts.values())
    return frozenset(lang for lang, count in counts.items() if count >= min_share * total > 0)
