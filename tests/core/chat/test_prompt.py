"""Prompt formats: the plain transcript, and model templates rendered in a sandbox."""

from __future__ import annotations

import pytest

from app.core.chat.prompt import (
    ChatMessage,
    EchoFilter,
    PlainFormat,
    TemplateFormat,
    base_document_prompt,
    document_rules,
    excerpts_message,
    prompt_format_for,
)
from app.core.documents.records import Source

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


# --- answers from documents ------------------------------------------------------------

SPANISH_SOURCES = (
    Source(
        1,
        "/docs/contrato.pdf",
        4,
        "CLÁUSULA NOVENA\nEl preaviso para no renovar es de\nseis meses.",
        0.9,
        120,
        180,
        "pdf",
    ),
    Source(2, "/docs/anexo.txt", None, "La fianza se devuelve en un mes.", 0.5, 0, 32, "text"),
)
QUESTION_ES = "¿Con cuánta antelación hay que avisar para no renovar?"

# Chat templates of the catalog's instruct model families, as their GGUF files carry
# them (abridged of tool calling): Llama 3, Qwen 2.5 (ChatML) and Gemma 3, which has
# no system role and gets the rules folded into the first user turn.
LLAMA3_TEMPLATE = (
    "{% set loop_messages = messages %}{% for message in loop_messages %}"
    "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'"
    "+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}"
    "{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}"
    "{% endif %}"
)
CHATML_TEMPLATE = (
    "{%- if messages[0]['role'] == 'system' %}"
    "{{- '<|im_start|>system\n' + messages[0]['content'] + '<|im_end|>\n' }}"
    "{%- else %}{{- '<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. "
    "You are a helpful assistant.<|im_end|>\n' }}{%- endif %}"
    "{%- for message in messages %}{%- if (message.role == 'user') or "
    "(message.role == 'system' and not loop.first) or (message.role == 'assistant') %}"
    "{{- '<|im_start|>' + message.role + '\n' + message.content + '<|im_end|>' + '\n' }}"
    "{%- endif %}{%- endfor %}{%- if add_generation_prompt %}{{- '<|im_start|>assistant\n' }}"
    "{%- endif %}"
)
GEMMA3_TEMPLATE = (
    "{{ bos_token }}{%- if messages[0]['role'] == 'system' -%}"
    "{%- set first_user_prefix = messages[0]['content'] + '\n\n' -%}"
    "{%- set loop_messages = messages[1:] -%}{%- else -%}{%- set first_user_prefix = '' -%}"
    "{%- set loop_messages = messages -%}{%- endif -%}{%- for message in loop_messages -%}"
    "{%- if (message['role'] == 'assistant') -%}{%- set role = 'model' -%}{%- else -%}"
    "{%- set role = message['role'] -%}{%- endif -%}"
    "{{ '<start_of_turn>' + role + '\n' + (first_user_prefix if loop.first else '') }}"
    "{{ message['content'] | trim }}{{ '<end_of_turn>\n' }}{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{ '<start_of_turn>model\n' }}{%- endif -%}"
)


@pytest.mark.parametrize(
    ("template", "answer_starts"),
    [
        (LLAMA3_TEMPLATE, "<|start_header_id|>assistant<|end_header_id|>\n\n"),
        (CHATML_TEMPLATE, "<|im_start|>assistant\n"),
        (GEMMA3_TEMPLATE, "<start_of_turn>model\n"),
    ],
    ids=["llama3", "chatml", "gemma3"],
)
def test_instruct_models_get_rules_in_the_question_language_and_quoted_excerpts(
    template: str, answer_starts: str
) -> None:
    fmt = prompt_format_for(template, bos_token="<s>", eos_token="</s>")
    assert isinstance(fmt, TemplateFormat)
    system = f"You are Confidente.\n\n{document_rules('es')}"
    text = fmt.render(
        [
            ChatMessage("system", system),
            ChatMessage("user", excerpts_message(SPANISH_SOURCES, QUESTION_ES)),
        ]
    )
    assert "Write the answer in Spanish, the language of the question" in text
    assert "cite each excerpt you use by its number in square brackets" in text
    assert "do not copy the excerpt formatting" in text
    assert "[1] (contrato.pdf, page 4)\n> CLÁUSULA NOVENA\n> El preaviso" in text
    assert "[2] (anexo.txt)\n> La fianza se devuelve en un mes." in text
    assert f"Question: {QUESTION_ES}" in text
    assert text.index("Write the answer in Spanish") < text.index("[1] (contrato.pdf")
    assert text.endswith(answer_starts)
    assert "English" in document_rules("en")
    assert "Spanish" not in document_rules("en")


def test_a_base_model_gets_a_page_to_continue_in_the_question_language() -> None:
    excerpts = [(s.n, s.text) for s in SPANISH_SOURCES]
    prompt = base_document_prompt(excerpts, QUESTION_ES, "es")
    assert prompt.opening == "Según [1],"  # the first excerpt is the best one
    assert prompt.text.endswith(f"Pregunta: {QUESTION_ES}\nRespuesta: Según [1],")
    lines = prompt.text.splitlines()
    # One line per excerpt: no line of a document can pose as a question or an answer.
    assert "[1] CLÁUSULA NOVENA El preaviso para no renovar es de seis meses." in lines
    assert "[2] La fianza se devuelve en un mes." in lines
    assert "> " not in prompt.text
    assert "Excerpts from" not in prompt.text
    assert "Respuesta: Según [2]," in prompt.text  # the worked example cites its excerpt
    english = base_document_prompt(excerpts, "How much notice is needed?", "en")
    assert english.text.endswith("Question: How much notice is needed?\nAnswer: According to [1],")
    assert "Pregunta" not in english.text


ECHOING = (
    "Excerpts from my documents:\n"
    "[1] (contrato.pdf, page 4)\n"
    "> El preaviso es de seis meses.\n"
    "El preaviso es de seis meses [1]. Según [2] la fianza\n"
    "[2] se devuelve en un mes.\n"
    "  > sangría\n"
    "[3"
)
CLEAN = (
    "El preaviso es de seis meses.\n"
    "El preaviso es de seis meses [1]. Según [2] la fianza\n"
    "[2] se devuelve en un mes.\n"
    "sangría\n"
    "[3"
)


@pytest.mark.parametrize("size", [1, 2, 3, 7, len(ECHOING)])
def test_the_echo_filter_removes_excerpt_markup_however_the_answer_streams(size: int) -> None:
    echo = EchoFilter()
    shown = [echo.feed(ECHOING[i : i + size]) for i in range(0, len(ECHOING), size)]
    shown.append(echo.finish())
    assert "".join(shown) == CLEAN


def test_the_echo_filter_holds_back_only_the_start_of_a_line() -> None:
    echo = EchoFilter()
    assert echo.feed("The valve opens at 6.5 bar") == "The valve opens at 6.5 bar"
    assert echo.feed(" [1].\n[") == " [1].\n"  # "[" may start a header: wait
    assert echo.feed("1] says so") == "[1] says so"
    assert echo.finish() == ""
