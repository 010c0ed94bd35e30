"""Turn a conversation into the text a model expects.

A model's own chat template (from its GGUF metadata) is untrusted code: it is
rendered in Jinja's immutable sandbox, which blocks attribute tricks and caps
`range()`. A model without a template — the starter is a base model — gets a
plain "User:/Assistant:" transcript with one worked example, which base models
continue sensibly, and stop strings that end the answer at the next turn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from jinja2 import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

Role = Literal["system", "user", "assistant"]
MAX_TEMPLATE_CHARS = 64 * 1024


@dataclass(frozen=True)
class ChatMessage:
    role: Role
    content: str


class PromptFormat(Protocol):
    name: str
    stop: tuple[str, ...]
    template_adds_bos: bool

    def render(self, messages: Sequence[ChatMessage]) -> str:
        """The full prompt, ending where the assistant's answer begins."""
        ...


class PlainFormat:
    """A transcript format for base models without a chat template."""

    name: str = "plain transcript"
    stop: tuple[str, ...] = ("\nUser:", "\nAssistant:", "\n\n\n")
    template_adds_bos: bool = False
    _example = (
        "User: What is the capital of France?\nAssistant: The capital of France is Paris.\n\n"
    )

    def render(self, messages: Sequence[ChatMessage]) -> str:
        parts: list[str] = []
        turns = list(messages)
        if turns and turns[0].role == "system":
            parts.append(turns.pop(0).content.strip() + "\n\n")
        parts.append(self._example)
        for message in turns:
            if message.role == "user":
                parts.append(f"User: {message.content.strip()}\n")
            elif message.role == "assistant":
                parts.append(f"Assistant: {message.content.strip()}\n\n")
        parts.append("Assistant:")
        return "".join(parts)


class TemplateFormat:
    """A model's own Jinja chat template, rendered in a sandbox."""

    stop: tuple[str, ...] = ()

    def __init__(self, template: str, *, bos_token: str, eos_token: str) -> None:
        if len(template) > MAX_TEMPLATE_CHARS:
            raise TemplateError(f"chat template longer than {MAX_TEMPLATE_CHARS} characters")
        env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
        env.globals["raise_exception"] = _raise_template_error
        self._template = env.from_string(template)
        self._bos = bos_token
        self._eos = eos_token
        self.name = "model chat template"
        # Render once now: a broken template fails here, not in the middle of a chat.
        probe = self.render([ChatMessage("system", "s"), ChatMessage("user", "u")])
        self.template_adds_bos = bool(bos_token) and probe.startswith(bos_token)

    def render(self, messages: Sequence[ChatMessage]) -> str:
        try:
            return self._render(messages)
        except TemplateError:
            # Some templates refuse a system turn: fold it into the first user turn.
            return self._render(_fold_system(messages))

    def _render(self, messages: Sequence[ChatMessage]) -> str:
        return self._template.render(
            messages=[{"role": m.role, "content": m.content} for m in messages],
            add_generation_prompt=True,
            bos_token=self._bos,
            eos_token=self._eos,
        )


def prompt_format_for(template: str | None, *, bos_token: str, eos_token: str) -> PromptFormat:
    """The model's template when it has a usable one, else the plain transcript."""
    if template:
        try:
            return TemplateFormat(template, bos_token=bos_token, eos_token=eos_token)
        except (TemplateError, TypeError, ValueError, OverflowError, RecursionError):
            pass  # A broken or hostile template: answer anyway with the plain format.
    return PlainFormat()


def _fold_system(messages: Sequence[ChatMessage]) -> list[ChatMessage]:
    turns = list(messages)
    if len(turns) >= 2 and turns[0].role == "system" and turns[1].role == "user":
        merged = f"{turns[0].content}\n\n{turns[1].content}"
        return [ChatMessage("user", merged), *turns[2:]]
    return turns


def _raise_template_error(message: str) -> None:
    raise TemplateError(message)
