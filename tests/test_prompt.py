"""Prompt formats: the plain transcript, and model templates rendered in a sandbox."""

from __future__ import annotations

import pytest

from app.core.prompt import ChatMessage, PlainFormat, TemplateFormat, prompt_format_for

CONVERSATION = [
    ChatMessage("system", "Be brief."),
    ChatMessage("user", "Hola"),
    ChatMessage("assistant", "¡Hola!"),
    ChatMessage("user", "¿Qué tal?"),
]

SIMPLE_TEMPLATE = (
    "{{ bos_token }}{% for m in messages %}<|{{ m.role }}|>{{ m.content }}<|end|>{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>{% endif %}"
)


def test_plain_format_starts_with_system_and_ends_at_the_answer() -> None:
    text = PlainFormat().render(CONVERSATION)
    assert text.startswith("Be brief.\n\n")
    assert "User: Hola\nAssistant: ¡Hola!\n\nUser: ¿Qué tal?\n" in text
    assert text.endswith("Assistant:")


def test_model_template_is_used_when_present() -> None:
    fmt = prompt_format_for(SIMPLE_TEMPLATE, bos_token="<s>", eos_token="</s>")
    assert isinstance(fmt, TemplateFormat)
    assert fmt.template_adds_bos
    assert fmt.render(CONVERSATION) == (
        "<s><|system|>Be brief.<|end|><|user|>Hola<|end|><|assistant|>¡Hola!<|end|>"
        "<|user|>¿Qué tal?<|end|><|assistant|>"
    )


def test_template_refusing_system_gets_it_folded_into_the_first_user_turn() -> None:
    strict = (
        "{% for m in messages %}{% if m.role == 'system' %}"
        "{{ raise_exception('no system role') }}{% endif %}[{{ m.role }}]{{ m.content }}"
        "{% endfor %}"
    )
    text = prompt_format_for(strict, bos_token="", eos_token="").render(CONVERSATION)
    assert text.startswith("[user]Be brief.\n\nHola")


@pytest.mark.parametrize(
    "hostile",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
        "{% for i in range(10**9) %}x{% endfor %}",
        "{% for m in messages %}{{ m.content }}",  # syntax error
    ],
    ids=["subclasses", "globals", "huge-range", "syntax"],
)
def test_hostile_or_broken_templates_fall_back_to_plain(hostile: str) -> None:
    fmt = prompt_format_for(hostile, bos_token="", eos_token="")
    assert isinstance(fmt, PlainFormat)


def test_no_template_means_plain() -> None:
    assert isinstance(prompt_format_for(None, bos_token="", eos_token=""), PlainFormat)
