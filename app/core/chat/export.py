"""A conversation as a Markdown document, to keep or share outside Confidente.

The title, when it started, the system prompt as a quote, then each turn under
a heading naming who spoke. Answers are Markdown already and are written as they
are; a fence the model left open (a stopped answer) is closed, so it cannot turn
the rest of the document into code. A document answer lists the passages it
cited below it: number, file and page ("source removed" for a document removed since).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from datetime import datetime, tzinfo
from pathlib import Path

from app.core.chat.storage import Conversation, StoredMessage
from app.core.documents.records import Source
from app.core.errors import ConfidenteError

ROLE_HEADINGS = {"user": "You", "assistant": "Confidente"}
STOPPED_NOTE = "*Stopped before the end.*"
NO_ANSWER_NOTE = "*No answer.*"
SOURCE_REMOVED_NOTE = "*source removed*"  # its document was removed after the answer

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def conversation_markdown(
    conversation: Conversation,
    messages: Sequence[StoredMessage],
    *,
    tz: tzinfo | None = None,
) -> str:
    """The whole conversation as Markdown; dates in `tz` (None: this computer's zone)."""
    started = datetime.fromtimestamp(conversation.created, tz).strftime("%Y-%m-%d %H:%M")
    parts = [f"# {conversation.title}", f"*{started}*"]
    if conversation.system_prompt:
        parts += ["**System prompt**", _quoted(conversation.system_prompt)]
    for message in messages:
        parts.append(f"## {ROLE_HEADINGS[message.role]}")
        content = _closed_fences(message.content.strip())
        if content:
            parts.append(content)
        elif message.role == "assistant" and not message.stopped:
            parts.append(NO_ANSWER_NOTE)
        if message.stopped:
            parts.append(STOPPED_NOTE)
        if message.sources:
            parts += ["Sources:", _source_list(message.sources)]
    return "\n\n".join(parts) + "\n"


def _quoted(text: str) -> str:
    return "\n".join(f"> {line}".rstrip() for line in text.strip().splitlines())


def _closed_fences(text: str) -> str:
    """`text`, with a closing fence added if a code block is left open at its end."""
    opened: str | None = None
    for line in text.splitlines():
        match = _FENCE.match(line)
        if match is None:
            continue
        fence = match.group(1)
        if opened is None:
            opened = fence
        elif line.strip() == fence and fence[0] == opened[0] and len(fence) >= len(opened):
            opened = None
    return text if opened is None else f"{text}\n{opened}"


def _source_list(sources: Sequence[Source]) -> str:
    lines = []
    for source in sources:
        if source.removed:
            lines.append(f"- [{source.n}] {SOURCE_REMOVED_NOTE}")
            continue
        where = _code_span(source.path)
        if source.page is not None:
            where += f", page {source.page}"
        lines.append(f"- [{source.n}] {where}")
    return "\n".join(lines)


def _code_span(text: str) -> str:
    """`text` as inline code, however many backticks it holds itself."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * (longest + 1)
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{padding}{text}{padding}{ticks}"


def write_export(path: Path, content: str | bytes) -> None:
    """Write `content` (text as UTF-8) to `path` whole or not at all: a failed write
    leaves no half-written file, and an existing file is replaced only by a complete one."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    partial = path.with_name(f".{path.name}.part")
    try:
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ExportError(f"Could not write {path}: {exc.strerror or exc}.") from exc


class ExportError(ConfidenteError):
    """A conversation could not be written where the user asked."""
