"""Untrusted Markdown (model output, stored messages) into a QTextDocument.

* Raw HTML is not interpreted but shown as typed, so text cannot inject markup.
* Nothing the text names is loaded. Images are replaced by their alt text, and
  `no_resource` gives Qt an empty picture: when a view's `loadResource` returns
  nothing, Qt reads the named file itself (a `![](/dev/zero)` would hang it).
* Code blocks get a background; table headers are repaired (a Qt 6.12 bug).
* Citation markers of a document answer ([1], [2, 3]) become `cite:n` links,
  drawn as chips, which the view handles itself; they load nothing either.
* The sentences of an answer that no source supports are marked by their
  offsets in the Markdown (`mark_sentences`), which rendering moves: each is
  put between two Private Use characters, found again in the rendered text,
  then taken out and its sentence formatted (`Caution`). A mark that would
  change how the text parses (the rendered text with and without it differs) is
  left out: a mark never changes what the answer says.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QTextBlock,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextTable,
)

from app.gui.i18n import QT_TRANSLATE_NOOP

FEATURES = (
    QTextDocument.MarkdownFeature.MarkdownDialectGitHub
    | QTextDocument.MarkdownFeature.MarkdownNoHTML
)
IMAGE_TEXT = QT_TRANSLATE_NOOP("Markdown", "[image: {alt}]")  # translated where inserted
CITE_SCHEME = "cite"

# A code span (left alone), or a marker like [1] or [1, 2] that is not already a
# link's text, an escaped bracket, an image, or a reference definition ([1]: ...).
_MARKER = re.compile(r"(`+)[^`]*?\1|(?<![\]\\!])\[(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\](?![(\[:])")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")

# Around each marked sentence. Private Use characters: no model writes them (any in
# its text are replaced, one for one, so offsets hold), and Markdown takes them for
# letters, so emphasis right inside them still opens and closes.
MARK_START, MARK_END = "\ue000", "\ue001"
_MARKS = re.compile(f"[{MARK_START}{MARK_END}]")
# What opens a line before its words (indent, quote bars, a list item and its task box,
# a heading, a table's first bar) and emphasis before a sentence; and what closes one
# after them. A mark goes inside these: outside, the line would no longer parse as it did.
_LINE_OPENING = re.compile(
    r"[ \t]*(?:>[ \t]*)*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?|#{1,6}[ \t]+|\|[ \t]*)?"
)
_EMPHASIS = re.compile(r"[*_~]+")
_SENTENCE_CLOSING = re.compile(r"[*_~]*(?:[ \t]+#+|[ \t]*\|)?\\?$")
_NOT_PROSE = re.compile(r"[ \t]{0,3}(?:```|~~~|\[[^\]]+\]:)")
_WORDLIKE = re.compile(r"\w")


def link_citations(text: str, numbers: Collection[int]) -> str:
    """Make each `[n]` whose n is in `numbers` a `cite:n` link; code is left as written."""
    if not numbers:
        return text

    def replace(match: re.Match[str]) -> str:
        if match.group(2) is None:
            return match.group(0)  # a code span
        cited = [int(n) for n in re.split(r"\s*[,;]\s*", match.group(2))]
        if not any(n in numbers for n in cited):
            return match.group(0)
        return " ".join(
            f"[\\[{n}\\]]({CITE_SCHEME}:{n})" if n in numbers else f"\\[{n}\\]" for n in cited
        )

    lines = text.split("\n")
    in_fence = False
    for i, line in enumerate(lines):
        if _FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence:
            lines[i] = _MARKER.sub(replace, line)
    return "\n".join(lines)


def mark_sentences(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """`text` with each (start, end) span in it between MARK_START and MARK_END, for
    `render_markdown` to format; any mark characters already in `text` are replaced.

    A span is a sentence of the raw Markdown, on one line (`sentence_spans`): the
    marks go inside the line's opening and the sentence's emphasis, and a span that
    is only a list number ("2."), a code fence or a link definition is not marked.
    """
    text = _MARKS.sub("\ufffd", text)
    placed: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if not 0 <= start < end <= len(text):
            continue
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        if _NOT_PROSE.match(text, line_start, line_end) or not _WORDLIKE.search(text, start, end):
            continue  # a fence, a link definition, a table's or a heading's rule
        opening = _LINE_OPENING.match(text, line_start, line_end)
        if opening and opening.end() > start:
            start = opening.end()
        emphasis = _EMPHASIS.match(text, start, end)
        start = emphasis.end() if emphasis else start
        closing = _SENTENCE_CLOSING.search(text, start, end)
        end = closing.start() if closing else end
        for citation in _MARKER.finditer(text, line_start, line_end):
            if citation.group(2) is not None:  # kept whole, for `link_citations` to find
                if citation.start() < start < citation.end():
                    start = citation.start()
                if citation.start() < end < citation.end():
                    end = citation.end()
        if start < end and not (placed and start < placed[-1][1]):
            placed.append((start, end))
    for start, end in reversed(placed):
        text = f"{text[:start]}{MARK_START}{text[start:end]}{MARK_END}{text[end:]}"
    return text


@dataclass(frozen=True)
class Caution:
    """How a marked sentence is shown: `sentence` is merged into its text, and `sign`
    (in `sign_format`) follows it, except in code, where it would be copied with it."""

    sentence: QTextCharFormat
    sign: str
    sign_format: QTextCharFormat


def render_markdown(
    document: QTextDocument,
    text: str,
    code_background: QColor,
    chip: QTextCharFormat | None = None,
    caution: Caution | None = None,
) -> int:
    """Render `text`; `chip` is merged into the `cite:` links (see `link_citations`), and
    with a `caution`, the sentences marked by `mark_sentences` are shown with it.
    Returns how many marked sentences are shown so."""
    marked = 0
    if caution is not None and MARK_START in text:
        text = _parsing_marks(text)
        document.setMarkdown(text, FEATURES)
        _replace_images(document)
        marked = _show_marks(document, caution)
    else:
        document.setMarkdown(text, FEATURES)
        _replace_images(document)
    _shade_code_blocks(document, code_background)
    _fix_table_headers(document)
    if chip is not None:
        _style_citations(document, chip)
    return marked


def _parsing_marks(text: str) -> str:
    """`text` without the marks that change how it parses: all kept when together they
    change nothing, else each one that changes nothing on its own."""
    clean = _MARKS.sub("", text)
    expected = _rendered_text(clean)
    if _rendered_text(text, strip=True) == expected:
        return text
    pairs = [
        (match.start(), match.end())
        for match in re.finditer(f"{MARK_START}[^{MARK_START}{MARK_END}]*{MARK_END}", text)
    ]
    kept = [
        pair for pair in pairs if _rendered_text(_with_only(text, [pair]), strip=True) == expected
    ]
    fewer = _with_only(text, kept)
    return fewer if _rendered_text(fewer, strip=True) == expected else clean


def _with_only(text: str, pairs: Sequence[tuple[int, int]]) -> str:
    """`text` with only the marks of `pairs` ((start, end) of a marked sentence, marks
    included) left in it."""
    parts: list[str] = []
    position = 0
    for start, end in pairs:
        parts.append(_MARKS.sub("", text[position:start]))
        parts.append(text[start:end])
        position = end
    parts.append(_MARKS.sub("", text[position:]))
    return "".join(parts)


def _rendered_text(text: str, *, strip: bool = False) -> str:
    document = QTextDocument()
    document.setMarkdown(text, FEATURES)
    rendered = document.toRawText()
    return _MARKS.sub("", rendered) if strip else rendered


def _show_marks(document: QTextDocument, caution: Caution) -> int:
    """Take the marks out of the rendered `document`, and show each sentence they were
    around with `caution`. Returns how many."""
    raw = document.toRawText()  # index i is the character at document position i
    positions = [match.start() for match in _MARKS.finditer(raw)]
    for position in reversed(positions):
        cursor = QTextCursor(document)
        cursor.setPosition(position)
        cursor.deleteChar()
    spans: list[tuple[int, int]] = []
    opened: int | None = None
    for removed, position in enumerate(positions):  # less the marks taken out before it
        if raw[position] == MARK_START:
            opened = position - removed
        elif opened is not None:
            if position - removed > opened:
                spans.append((opened, position - removed))
            opened = None
    for start, end in reversed(spans):  # from the end: a sign inserted moves what follows
        cursor = QTextCursor(document)
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        cursor.mergeCharFormat(caution.sentence)
        if not _is_code(document.findBlock(end)):
            cursor.setPosition(end)
            cursor.insertText(caution.sign, caution.sign_format)
    return len(spans)


def no_resource(kind: int) -> object:
    """What a view's `loadResource` should return: never anything from outside."""
    if kind == QTextDocument.ResourceType.ImageResource.value:
        blank = QImage(1, 1, QImage.Format.Format_ARGB32)
        blank.fill(0)
        return blank
    return None


def _replace_images(document: QTextDocument) -> None:
    images: list[tuple[int, int, str]] = []
    block = document.begin()
    while block.isValid():
        fragments = block.begin()
        while not fragments.atEnd():
            fragment = fragments.fragment()
            char_format = fragment.charFormat()
            if char_format.isImageFormat():
                image = char_format.toImageFormat()
                alt = char_format.property(QTextFormat.Property.ImageAltText) or image.name()
                images.append((fragment.position(), fragment.length(), str(alt)))
            fragments += 1
        block = block.next()
    for position, length, alt in reversed(images):  # from the end: positions stay valid
        cursor = QTextCursor(document)
        cursor.setPosition(position)
        cursor.setPosition(position + length, QTextCursor.MoveMode.KeepAnchor)
        image_text = QCoreApplication.translate("Markdown", IMAGE_TEXT)
        cursor.insertText(image_text.format(alt=alt), QTextCharFormat())


def _is_code(block: QTextBlock) -> bool:
    block_format = block.blockFormat()
    return block_format.hasProperty(QTextFormat.Property.BlockCodeFence) or (
        block_format.nonBreakableLines()
    )


def code_block_at(document: QTextDocument, position: int) -> str | None:
    """The whole code block around `position` (as typed, without fences), or None."""
    block = document.findBlock(position)
    if not block.isValid() or not _is_code(block):
        return None
    while block.previous().isValid() and _is_code(block.previous()):
        block = block.previous()
    lines: list[str] = []
    while block.isValid() and _is_code(block):
        lines.append(block.text())
        block = block.next()
    return "\n".join(lines)


def _shade_code_blocks(document: QTextDocument, background: QColor) -> None:
    block = document.begin()
    while block.isValid():
        if _is_code(block):
            shaded = QTextBlockFormat()
            shaded.setBackground(background)
            QTextCursor(block).mergeBlockFormat(shaded)
        block = block.next()


def _fix_table_headers(document: QTextDocument) -> None:
    """Make every table's first row bold and tight.

    Qt's Markdown importer (6.12) puts an empty paragraph into the first
    header cell of a table that follows a code block, and drops its bold.
    """
    bold = QTextCharFormat()
    bold.setFontWeight(QFont.Weight.Bold)
    tight = QTextBlockFormat()
    tight.setTopMargin(0)
    tight.setBottomMargin(0)
    frames = list(document.rootFrame().childFrames())
    while frames:
        frame = frames.pop()
        frames.extend(frame.childFrames())
        if not isinstance(frame, QTextTable):
            continue
        for column in range(frame.columns()):
            cell = frame.cellAt(0, column)
            cursor = cell.firstCursorPosition()
            if cursor.block().text() == "" and cell.lastPosition() > cell.firstPosition():
                cursor.deleteChar()  # the stray empty paragraph
                cell = frame.cellAt(0, column)
                cursor = cell.firstCursorPosition()
            cursor.setPosition(cell.lastPosition(), QTextCursor.MoveMode.KeepAnchor)
            cursor.mergeCharFormat(bold)
            cursor.mergeBlockFormat(tight)


def _style_citations(document: QTextDocument, chip: QTextCharFormat) -> None:
    spans: list[tuple[int, int]] = []
    block = document.begin()
    while block.isValid():
        fragments = block.begin()
        while not fragments.atEnd():
            fragment = fragments.fragment()
            char_format = fragment.charFormat()
            if char_format.isAnchor() and char_format.anchorHref().startswith(f"{CITE_SCHEME}:"):
                spans.append((fragment.position(), fragment.length()))
            fragments += 1
        block = block.next()
    for position, length in spans:
        cursor = QTextCursor(document)
        cursor.setPosition(position)
        cursor.setPosition(position + length, QTextCursor.MoveMode.KeepAnchor)
        cursor.mergeCharFormat(chip)
