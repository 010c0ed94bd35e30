"""Chatting: a conversation's history, fitted to the context window, sent to the model.

Each turn runs as one job on the model worker. The user's message is saved
before generation starts, so nothing typed is lost; the answer is saved when it
ends, including a stopped, partial one. When a conversation outgrows the
context window, the oldest messages stop being sent (the system prompt stays),
the user is told, and the cut is remembered and made with some slack, so the
following turns share a prefix with the cached one instead of shifting it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from app.core.engine import Engine, GenerationStats, Sampling
from app.core.errors import ConfidenteError, ContextOverflowError
from app.core.prompt import ChatMessage
from app.core.settings import Settings
from app.core.storage import ConversationStore, StoredMessage
from app.core.worker import Job, JobContext, ModelWorker

TITLE_LENGTH = 60
TRIM_TARGET = 0.75  # after a cut, the prompt fills at most this share of its budget


@dataclass(frozen=True)
class TurnStarted:
    """Sent (as a worker Update) once the question is saved, before the answer starts."""

    conversation_id: int
    question: StoredMessage


@dataclass(frozen=True)
class ChatReply:
    conversation_id: int
    message: StoredMessage
    stats: GenerationStats
    model: str
    dropped_messages: int


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
        self, worker: ModelWorker, store: ConversationStore, settings: Callable[[], Settings]
    ) -> None:
        self._worker = worker
        self._store = store
        self._settings = settings

    def send(self, conversation_id: int | None, text: str) -> Job[ChatReply]:
        """Queue one turn; `None` starts a new conversation titled after the message."""
        if not text.strip():
            raise ConfidenteError("Type a message first.")
        settings = self._settings()
        return self._worker.submit(
            "chat", lambda ctx: self._turn(ctx, conversation_id, text.strip(), settings)
        )

    def _turn(
        self, ctx: JobContext, conversation_id: int | None, text: str, settings: Settings
    ) -> ChatReply:
        if conversation_id is None:
            conversation = self._store.create_conversation(title_for(text), settings.system_prompt)
        else:
            conversation = self._store.get_conversation(conversation_id)
        question = self._store.add_message(conversation.id, "user", text)
        ctx.update(TurnStarted(conversation.id, question))
        engine = ctx.engine
        history = self._store.messages(conversation.id)
        system = conversation.system_prompt or settings.system_prompt
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
        generation = engine.generate(
            tokens, sampling_from(settings), ctx.cancel, engine.prompt_format.stop
        )
        pieces: list[str] = []
        for piece in generation:
            if not pieces:
                piece = piece.lstrip()  # "Assistant:" is followed by a space in most formats
                if not piece:
                    continue
            pieces.append(piece)
            ctx.text(piece)
        stats = generation.stats
        assert stats is not None  # set once the generation is exhausted
        answer = "".join(pieces).strip()
        message = self._store.add_message(
            conversation.id, "assistant", answer, stopped=stats.finish_reason == "cancelled"
        )
        return ChatReply(conversation.id, message, stats, engine.info.name, dropped)


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
