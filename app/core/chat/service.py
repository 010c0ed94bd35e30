"""Chatting: a conversation's history, fitted to the context window, sent to the model.

Each turn runs as one job on the model worker. The user's message is saved
before generation starts, so nothing typed is lost; the answer is saved when it
ends, including a stopped, partial one. When a conversation outgrows the
context window, the oldest messages stop being sent (the system prompt stays),
the user is told, and the cut is remembered and made with some slack, so the
following turns share a prefix with the cached one instead of shifting it.

An answer from documents is grounded without trusting the model: the sentences
of the sources that answer the question are found by word matching and sent
(`SourcesFound.quotes`) before generation starts; the prompt suits the model
(rules for an instruct model, a page to continue for a base model, see
app/core/chat/prompt.py); copied excerpt markup never reaches the answer; and the
answer's sentences that no source supports are pointed out (`ChatReply.unsupported`).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from app.core.chat.prompt import (
    BASE_DOCUMENT_STOP,
    ChatMessage,
    DocumentPrompt,
    EchoFilter,
    PlainFormat,
    base_document_prompt,
    document_rules,
    excerpts_message,
)
from app.core.chat.storage import ConversationStore, StoredMessage
from app.core.chat.translation import search_phrasings
from app.core.documents.api import Documents
from app.core.documents.quotes import find_quotes, unsupported_spans
from app.core.documents.records import Quote, Source
from app.core.errors import ConfidenteError, ContextOverflowError
from app.core.models.engine import Engine, Generation, GenerationStats, Sampling
from app.core.models.worker import ModelJobContext, ModelWorker
from app.core.settings import Settings
from app.core.worker import Job, JobContext

TITLE_LENGTH = 60
TRIM_TARGET = 0.75  # after a cut, the prompt fills at most this share of its budget


@dataclass(frozen=True)
class TurnStarted:
    """Sent (as a worker Update) once the question is saved, before the answer starts."""

    conversation_id: int
    question: StoredMessage


@dataclass(frozen=True)
class SourcesFound:
    """Sent (as a worker Update) once the passages for a document answer are chosen,
    with the sentences of them that answer the question, before the model starts."""

    sources: tuple[Source, ...]
    quotes: tuple[Quote, ...] = ()


@dataclass(frozen=True)
class ChatReply:
    conversation_id: int
    message: StoredMessage
    stats: GenerationStats  # all zero, finish_reason "nothing_found", when no model ran
    model: str
    dropped_messages: int
    sources: tuple[Source, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    quotes: tuple[Quote, ...] = ()
    # (start, end) in message.content of each sentence no source supports; the text
    # itself stays clean. `unsupported_spans(content, sources)` finds them again later.
    unsupported: tuple[tuple[int, int], ...] = ()


NOTHING_FOUND = {
    "en": "I found nothing about this in the documents of the library “{library}”, so I "
    "cannot answer from them.",
    "es": "No he encontrado nada sobre esto en los documentos de la biblioteca «{library}», "
    "así que no puedo responder a partir de ellos.",
}

_SPANISH_HINTS = re.compile(
    r"[¿¡ñáéíóú]|\b(qué|cuál|cuáles|cómo|dónde|cuándo|cuánto|cuántos|cuánta|cuántas|por qué|"
    r"que|cual|como|donde|cuando|cuanto|el|la|los|las|del|de|en|es|son|para|una?|hay)\b",
    re.IGNORECASE,
)
_ENGLISH_HINTS = re.compile(
    r"\b(what|which|how|where|when|who|why|the|is|are|of|in|for|a|an|does|do|there)\b",
    re.IGNORECASE,
)


def question_language(text: str) -> str:
    """ "es" or "en", by counting telltale words; enough to phrase a fixed reply."""
    spanish, english = _language_hints(text)
    return "es" if spanish > english else "en"


def answer_language(question: str, sources: Sequence[Source]) -> str:
    """The language to answer a document question in: the question's, or, when the
    question has no telltale word either way (a search like "cláusula 14.3 preaviso"),
    the language of the passage that answers it."""
    spanish, english = _language_hints(question)
    if spanish == english and sources:
        return question_language(sources[0].text)
    return "es" if spanish > english else "en"


def _language_hints(text: str) -> tuple[int, int]:
    return len(_SPANISH_HINTS.findall(text)), len(_ENGLISH_HINTS.findall(text))


def sampling_from(settings: Settings) -> Sampling:
    return Sampling(
        temperature=settings.temperature,
        top_p=settings.top_p,
        repeat_penalty=settings.repeat_penalty,
        max_tokens=settings.max_tokens,
    )


def title_for(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= TITLE_LENGTH else line[: TITLE_LENGTH - 1].rstrip() + "…"


class ChatService:
    def __init__(
        self,
        worker: ModelWorker,
        store: ConversationStore,
        settings: Callable[[], Settings],
        documents: Documents | None = None,
    ) -> None:
        self._worker = worker
        self._store = store
        self._settings = settings
        self._documents = documents

    def send(
        self,
        conversation_id: int | None,
        text: str,
        *,
        library: str | None = None,
        system_prompt: str | None = None,
    ) -> Job[ChatReply]:
        """Queue one turn; `None` starts a new conversation titled after the message
        (with `system_prompt`, else the one in the settings).

        With a `library`, the answer is drawn from that library's documents: the
        most relevant passages are found, given to the model as numbered
        excerpts, and returned as the reply's sources.
        """
        if not text.strip():
            raise ConfidenteError("Type a message first.")
        if library is not None and self._documents is None:
            raise ConfidenteError("Documents are not available in this session.")
        settings = self._settings()
        if system_prompt is not None:
            settings = replace(settings, system_prompt=system_prompt)
        return self._worker.submit(
            "chat", lambda ctx: self._turn(ctx, conversation_id, text.strip(), settings, library)
        )

    def regenerate(self, conversation_id: int, *, library: str | None = None) -> Job[ChatReply]:
        """Queue a new answer to the conversation's last question; the old answer is dropped."""
        settings = self._settings()

        def run(ctx: ModelJobContext) -> ChatReply:
            question = self._last_question(conversation_id)
            self._store.delete_messages_from(conversation_id, question.id + 1)
            return self._turn(ctx, conversation_id, question.content, settings, library, question)

        return self._worker.submit("regenerate", run)

    def edit(
        self, conversation_id: int, message_id: int, text: str, *, library: str | None = None
    ) -> Job[ChatReply]:
        """Queue `text` in place of one of the user's messages; what followed it is dropped."""
        if not text.strip():
            raise ConfidenteError("Type a message first.")
        settings = self._settings()

        def run(ctx: ModelJobContext) -> ChatReply:
            original = next(
                (m for m in self._store.messages(conversation_id) if m.id == message_id), None
            )
            if original is None or original.role != "user":
                raise ConfidenteError("That message is no longer in this conversation.")
            self._store.delete_messages_from(conversation_id, message_id)
            return self._turn(ctx, conversation_id, text.strip(), settings, library)

        return self._worker.submit("edit", run)

    def keep_result(
        self,
        conversation_id: int | None,
        request: str,
        result: str,
        sources: tuple[Source, ...] = (),
        *,
        stopped: bool = False,
    ) -> tuple[StoredMessage, StoredMessage]:
        """Keep a document task's result in a conversation (a new one, titled after
        `request`, when None): the request as the user's turn and the result, Markdown
        with its [n] sources, as the answer; so it shows, exports, is searched and is
        forgotten with its documents like any answer. A quick write to the store: the
        window calls it off the GUI thread."""
        if conversation_id is None:
            conversation = self._store.create_conversation(
                title_for(request), self._settings().system_prompt
            )
        else:
            conversation = self._store.get_conversation(conversation_id)
        question = self._store.add_message(conversation.id, "user", request)
        answer = self._store.add_message(
            conversation.id, "assistant", result, sources=sources, stopped=stopped
        )
        return question, answer

    def _last_question(self, conversation_id: int) -> StoredMessage:
        questions = [m for m in self._store.messages(conversation_id) if m.role == "user"]
        if not questions:
            raise ConfidenteError("This conversation has no question to answer again.")
        return questions[-1]

    def _turn(
        self,
        ctx: ModelJobContext,
        conversation_id: int | None,
        text: str,
        settings: Settings,
        library: str | None,
        question: StoredMessage | None = None,
    ) -> ChatReply:
        """Answer `text`, saved as a new question unless `question` (already saved) is given."""
        started = time.monotonic()
        if conversation_id is None:
            conversation = self._store.create_conversation(title_for(text), settings.system_prompt)
        else:
            conversation = self._store.get_conversation(conversation_id)
        if question is None:
            question = self._store.add_message(conversation.id, "user", text)
        ctx.update(TurnStarted(conversation.id, question))
        timings: dict[str, float] = {}
        sources: tuple[Source, ...] = ()
        quotes: tuple[Quote, ...] = ()
        if library is not None:
            assert self._documents is not None
            # In a library that holds the other language too, the model translates the
            # question first, so the Spanish manual answers the English question.
            also = search_phrasings(
                ctx.engine, text, self._documents.languages(library), ctx.cancel
            )
            if also:
                timings["translation_ms"] = (time.monotonic() - started) * 1000
            sources = tuple(self._documents.search(text, library, settings.sources, also=also))
            # Quotes are sentences holding the question's words, in either phrasing.
            quotes = tuple(find_quotes(" ".join((text, *also)), sources))
            timings["retrieval_ms"] = (time.monotonic() - started) * 1000
            ctx.update(SourcesFound(sources, quotes))
            if not sources:
                answer = NOTHING_FOUND[question_language(text)].format(library=library)
                ctx.text(answer)
                message = self._store.add_message(conversation.id, "assistant", answer)
                timings["total_ms"] = (time.monotonic() - started) * 1000
                stats = GenerationStats(0, 0, 0, 0.0, 0.0, "nothing_found")
                return ChatReply(conversation.id, message, stats, "", 0, (), timings)
        engine = ctx.engine
        dropped = 0
        opening = ""
        stop = engine.prompt_format.stop
        if sources and isinstance(engine.prompt_format, PlainFormat):
            # A base model: a page to continue, without the conversation (see prompt.py).
            prompt, tokens = base_prompt_tokens(
                engine, sources, quotes, text, answer_language(text, sources), settings.max_tokens
            )
            opening, stop = prompt.opening, BASE_DOCUMENT_STOP
        else:
            history = self._store.messages(conversation.id)
            system = conversation.system_prompt or settings.system_prompt
            if sources:
                system = f"{system}\n\n{document_rules(answer_language(text, sources))}"
                history[-1] = replace(history[-1], content=excerpts_message(sources, text))
            start, tokens = fit_to_context(
                engine, system, history, conversation.context_start, settings.max_tokens
            )
            dropped = start - conversation.context_start
            if dropped:
                self._store.set_context_start(conversation.id, start)
                ctx.notice(
                    f"This conversation no longer fits the model's context window: the {start} "
                    "oldest messages are no longer sent to the model (they stay in the history, "
                    "and the system prompt is kept)."
                )
        generation = engine.generate(tokens, sampling_from(settings), ctx.cancel, stop)
        answer = _stream_answer(ctx, generation, opening, started, timings)
        final_stats = generation.stats
        assert final_stats is not None  # set once the generation is exhausted
        message = self._store.add_message(
            conversation.id,
            "assistant",
            answer,
            stopped=final_stats.finish_reason == "cancelled",
            sources=sources,
            quotes=quotes,
        )
        timings["total_ms"] = (time.monotonic() - started) * 1000
        timings["tokens_per_second"] = final_stats.tokens_per_second
        return ChatReply(
            conversation.id,
            message,
            final_stats,
            engine.info.name,
            dropped,
            sources,
            timings,
            quotes=quotes,
            unsupported=unsupported_spans(answer, sources) if sources else (),
        )


def _stream_answer(
    ctx: JobContext,
    generation: Generation,
    opening: str,
    started: float,
    timings: dict[str, float],
) -> str:
    """Pass the answer on as it is generated, `opening` (written for the model) first,
    without the excerpt markup a model may copy; return the whole answer, trimmed."""
    echo = EchoFilter()
    shown: list[str] = []

    def show(piece: str) -> None:
        if not shown:
            piece = piece.lstrip()  # "Assistant:" is followed by a space in most formats
        if piece:
            shown.append(piece)
            ctx.text(piece)

    show(echo.feed(opening))
    for piece in generation:
        if "first_token_ms" not in timings:
            timings["first_token_ms"] = (time.monotonic() - started) * 1000
        show(echo.feed(piece))
    show(echo.finish())
    return "".join(shown).strip()


def base_prompt_tokens(
    engine: Engine,
    sources: Sequence[Source],
    quotes: Sequence[Quote],
    question: str,
    language: str,
    max_tokens: int,
) -> tuple[DocumentPrompt, list[int]]:
    """A base model's document prompt and its tokens, with as many excerpts (best
    first) as leave room for the answer; at least one."""
    reserve = min(max_tokens, engine.context_length // 2)
    kept = base_excerpts(sources, quotes)
    while True:
        prompt = base_document_prompt(kept, question, language)
        # Document text is data: control-token text inside it must not become a token.
        tokens = engine.tokenize(engine.neutralize(prompt.text))
        if len(tokens) + reserve <= engine.context_length or len(kept) == 1:
            return prompt, tokens
        kept.pop()


def base_excerpts(sources: Sequence[Source], quotes: Sequence[Quote]) -> list[tuple[int, str]]:
    """What a base model reads of each source: its quotes (each carried on into the
    sentence after it, see `find_quotes`), in the quotes' order; the whole passages
    only when nothing was quoted.

    Measured with `python -m bench.answers`: a 270M model answers no worse from these
    few sentences than from whole passages (it mostly copies from the start of a
    passage anyway), more often with the key words, and in a fifth of the time,
    since the prompt is a few hundred tokens instead of a couple of thousand.
    """
    if not quotes:
        return [(source.n, source.text) for source in sources]
    excerpts: dict[int, list[str]] = {}
    for quote in quotes:
        excerpts.setdefault(quote.n, []).append(quote.text)
    return [(n, " ".join(texts)) for n, texts in excerpts.items()]


def fit_to_context(
    engine: Engine,
    system_prompt: str,
    history: Sequence[StoredMessage],
    start: int,
    max_tokens: int,
) -> tuple[int, list[int]]:
    """Return the first message index to send and the prompt tokens.

    Drops whole messages from the oldest on until the prompt leaves room for
    an answer; once it must cut, it cuts down to TRIM_TARGET of the budget.
    """
    reserve = min(max_tokens, engine.context_length // 2)
    budget = engine.context_length - reserve
    target = budget
    start = min(start, len(history) - 1)
    while True:
        messages = [ChatMessage("system", system_prompt)] + [
            ChatMessage(m.role, m.content) for m in history[start:]
        ]
        tokens = engine.prompt_tokens(messages)
        if len(tokens) <= target:
            return start, tokens
        if start >= len(history) - 1:
            if len(tokens) <= budget:
                return start, tokens
            raise ContextOverflowError(
                f"This message is too long for the model: the prompt needs {len(tokens)} "
                f"tokens and the context window holds {engine.context_length}, with {reserve} "
                "kept for the answer. Shorten the message, or raise the context length in Settings."
            )
        target = int(budget * TRIM_TARGET)
        start += 1
        while start < len(history) - 1 and history[start].role != "user":
            start += 1
