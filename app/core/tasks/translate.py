"""Translating a document between Spanish and English, page by page.

Each page is cut into paragraphs and sentences, and a sentence too long for
one prompt into pieces at word bounds (`split_into_parts`); every piece is
translated on its own, greedily, in the manner of `app.core.chat.translation`: worked examples
for a base model without a chat template (the 270M starter continues the
pattern), an instruction otherwise. A piece whose translation comes out
empty, runs out of tokens or is still in the source language keeps its
original text and its page is marked "not translated" — a page is never
filled with a guess. Pages keep their numbers; a cancelled job returns the
pages it finished, marked partial.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, replace

from app.core.chat.prompt import PlainFormat
from app.core.chat.translation import GREEDY, pairs_or_instruction
from app.core.documents.language import (
    LANGUAGE_NAMES,
    Language,
    clear_language_of,
    language_of,
)
from app.core.documents.records import Page, file_name
from app.core.models.engine import Engine
from app.core.models.worker import ModelJobContext
from app.core.tasks.pages import Document, split_into_parts

# Worked examples (English, Spanish) for a base model: plain statements, as in documents.
_PAIRS = (
    (
        "The printer settings are saved when the program closes.",
        "La configuración de la impresora se guarda al cerrar el programa.",
    ),
    (
        "Each user has a personal folder on the server.",
        "Cada usuario tiene una carpeta personal en el servidor.",
    ),
)
_EXAMPLES: dict[Language, tuple[tuple[str, str], ...]] = {
    "es": _PAIRS,
    "en": tuple((spanish, english) for english, spanish in _PAIRS),
}
_MAX_PIECE_TOKENS = 192  # a paragraph longer than this is cut: small models drift on long input
_PARAGRAPH = re.compile(r"\n\s*\n")
# A sentence ends at . ! ? before a capital (or an opening ¿ ¡): the starter model merges
# and drops sentences when given several at once, so each is translated alone.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[¿¡\"“«(]?[A-ZÁÉÍÓÚÑÜ])")


@dataclass(frozen=True)
class TranslatedPage:
    number: int | None  # the page's own number (None for formats without pages)
    language: Language  # the language the page was written in
    text: str  # the translation, with any piece that failed kept in the original
    translated: bool  # False when at least one piece kept its original text


@dataclass(frozen=True)
class Translation:
    path: str
    pages: tuple[TranslatedPage, ...]
    target: Language
    partial: bool  # cancelled: only the pages finished before are here
    seconds: float

    def to_markdown(self) -> str:
        """The translation as a Markdown file, a "## Page N" heading per numbered page."""
        lines = [f"# {file_name(self.path)} (translated to {LANGUAGE_NAMES[self.target]})", ""]
        if self.partial:
            lines += ["_Stopped before the end: only the pages below were translated._", ""]
        for page in self.pages:
            if page.number is not None:
                heading = f"## Page {page.number}"
                if not page.translated:
                    heading += " (not translated)"
                lines += [heading, ""]
            elif not page.translated:
                lines += ["_Part of this text could not be translated and is kept as it was._", ""]
            lines += [page.text.strip(), ""]
        return "\n".join(lines).rstrip() + "\n"

    def to_json(self) -> dict[str, object]:
        return {
            "pages": [
                {"page": p.number, "text": p.text, "translated": p.translated} for p in self.pages
            ],
            "target": self.target,
            "partial": self.partial,
        }


def translate_document(ctx: ModelJobContext, document: Document, target: Language) -> Translation:
    """Every page of `document` in `target`, in order; progress and an update per page."""
    started = time.perf_counter()
    engine = ctx.engine
    done: list[TranslatedPage] = []
    total = len(document.pages)
    partial = False

    def result() -> Translation:
        seconds = time.perf_counter() - started
        return Translation(str(document.path), tuple(done), target, partial, seconds)

    ctx.progress("pages", 0, total)
    for page in document.pages:
        translated = _translate_page(engine, page, target, ctx)
        if translated is None:
            partial = True
            break
        done.append(translated)
        ctx.progress("pages", len(done), total)
        ctx.update(result())
    return result()


def _translate_page(
    engine: Engine, page: Page, target: Language, ctx: ModelJobContext
) -> TranslatedPage | None:
    """The page in `target`, or None when the job was cancelled before it was done."""

    def count(text: str) -> int:
        return len(engine.tokenize(text))

    paragraphs: list[str] = []
    ok = True
    for paragraph in _PARAGRAPH.split(page.text):
        flat = " ".join(paragraph.split())
        if not flat:
            continue
        pieces: list[str] = []
        sentences = [Page(page.number, sentence) for sentence in _SENTENCE_END.split(flat)]
        for part in split_into_parts(sentences, count, _piece_budget(engine)):
            for piece in part.pieces:
                if ctx.cancel.cancelled:
                    return None
                translated = translate_piece(engine, piece.text, target, ctx)
                if ctx.cancel.cancelled:
                    return None
                pieces.append(translated or piece.text)
                ok = ok and translated is not None
        paragraphs.append(" ".join(pieces))
    return TranslatedPage(page.number, language_of(page.text), "\n\n".join(paragraphs), ok)


def translate_piece(
    engine: Engine, text: str, target: Language, ctx: ModelJobContext
) -> str | None:
    """`text` (one line) in `target`; the text itself when it already is (or has no
    words to translate); None when the model gave no usable translation."""
    source = clear_language_of(text)
    if source is None or source == target:
        return text
    tokens = _prompt(engine, text, source, target)
    size = len(engine.tokenize(text))
    room = engine.context_length - len(tokens)
    budget = min(room, 2 * size + 16)
    if budget < 1:
        return None
    plain = isinstance(engine.prompt_format, PlainFormat)
    sampling = replace(GREEDY, max_tokens=budget)
    generation = engine.generate(tokens, sampling, ctx.cancel, stop=("\n",) if plain else ())
    output = " ".join("".join(generation).split()).strip("\"'«»“”").strip()
    stats = generation.stats
    if stats is not None and stats.finish_reason in ("length", "cancelled"):
        return None  # ran on past the end of the piece: not a translation of it
    if not output or language_of(output) != target:
        return None
    return output


def _prompt(engine: Engine, text: str, source: Language, target: Language) -> list[int]:
    instruction = (
        f"Translate the user's text from {LANGUAGE_NAMES[source]} into "
        f"{LANGUAGE_NAMES[target]}. Reply with the translation only, on one line, adding "
        "nothing and leaving nothing out."
    )
    text = engine.neutralize(text)
    return pairs_or_instruction(engine, text, source, target, _EXAMPLES[target], instruction)


def _piece_budget(engine: Engine) -> int:
    """Tokens of source per piece: the examples, the piece and twice it in reply must fit."""
    return max(16, min(_MAX_PIECE_TOKENS, (engine.context_length - 160) // 3))
