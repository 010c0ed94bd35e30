"""Turn a conversation into the text a model expects.

A model's own chat template (from its GGUF metadata) is untrusted code: it is
rendered in Jinja's immutable sandbox, which blocks attribute tricks and caps
`range()`. A model without a template — the starter is a base model — gets a
plain "User:/Assistant:" transcript with one worked example, which base models
continue sensibly, and stop strings that end the answer at the next turn.
"""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import FrameType
from typing import Any, Literal, Protocol, TypeVar

from jinja2 import TemplateError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import _PassArg

Role = Literal["system", "user", "assistant"]
MAX_TEMPLATE_CHARS = 64 * 1024
RENDER_SECONDS = 2.0  # real templates render in about a millisecond
MAX_REPEAT_ITEMS = 100_000  # "-" * 80 is fine; "a" * 10**10 is an attack
T = TypeVar("T")


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
        env = _TemplateSandbox(trim_blocks=True, lstrip_blocks=True)
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
        return _within(
            RENDER_SECONDS,
            lambda: self._template.render(
                messages=[{"role": m.role, "content": m.content} for m in messages],
                add_generation_prompt=True,
                bos_token=self._bos,
                eos_token=self._eos,
            ),
        )


class _TemplateSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, plus bounds on what it leaves open.

    `*`, `**` and `%` are checked when they run (intercepting them also stops
    Jinja from folding them at compile time), and so is every filter argument
    that is a number: `'x' * 10**10` or `'x'|center(10**10)` would otherwise
    allocate gigabytes in our process.
    """

    intercepted_binops = frozenset({"*", "**", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.filters = {name: _bounded(f) for name, f in self.filters.items()}

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            if isinstance(right, int | float) and abs(right) > 64:
                raise SecurityError("exponent too large in a chat template")
            return left**right
        if operator == "%":
            values = right if isinstance(right, tuple) else (right,)
            if any(_too_big(v) for v in values):
                raise SecurityError("formatting width too large in a chat template")
            return left % right
        for sequence, count in ((left, right), (right, left)):
            if (
                isinstance(sequence, str | list | tuple)
                and isinstance(count, int)
                and len(sequence) * max(count, 0) > MAX_REPEAT_ITEMS
            ):
                raise SecurityError("repetition too large in a chat template")
        return left * right


def _too_big(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and (abs(value) > MAX_REPEAT_ITEMS)
    )


def _bounded(function: Callable[..., Any]) -> Callable[..., Any]:
    """`function` (a filter) refusing huge numeric arguments; the filtered value is not checked."""
    first_argument = 2 if _PassArg.from_obj(function) else 1  # after the context and the value

    @functools.wraps(function)  # keeps Jinja's pass_context / pass_environment marks
    def bounded(*args: Any, **kwargs: Any) -> Any:
        if any(_too_big(v) for v in (*args[first_argument:], *kwargs.values())):
            raise SecurityError("a filter argument is too large in a chat template")
        return function(*args, **kwargs)

    return bounded


def _within(seconds: float, render: Callable[[], T]) -> T:
    """Run `render`, raising TemplateError if it runs past `seconds`.

    A trace function on this thread sees every line the compiled template
    executes, so an endless or exponential loop in a template stops here
    instead of holding the model worker forever.
    """
    deadline = time.monotonic() + seconds
    previous = sys.gettrace()

    def trace(frame: FrameType, event: str, arg: object) -> Any:
        if time.monotonic() > deadline:
            raise TemplateError(f"the chat template ran longer than {seconds:g} s")
        return trace

    sys.settrace(trace)
    try:
        return render()
    finally:
        sys.settrace(previous)


def prompt_format_for(template: str | None, *, bos_token: str, eos_token: str) -> PromptFormat:
    """The model's template when it has a usable one, else the plain transcript."""
    if template:
        try:
            return TemplateFormat(template, bos_token=bos_token, eos_token=eos_token)
        except (
            TemplateError,
            TypeError,
            ValueError,
            OverflowError,
            RecursionError,
            MemoryError,
        ):
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
