"""Untrusted Markdown (model output, stored messages) into a QTextDocument.

* Raw HTML is not interpreted but shown as typed, so text cannot inject markup.
* Nothing the text names is loaded. Images are replaced by their alt text, and
  `no_resource` gives Qt an empty picture: when a view's `loadResource` returns
  nothing, Qt reads the named file itself (a `![](/dev/zero)` would hang it).
* Code blocks get a background; table headers are repaired (a Qt 6.12 bug).
* Citation markers of a document answer ([1], [2, 3]) become `cite:n` links,
  drawn as chips, which the view handles itself; they load nothing either.
"""

from __future__ import annotations

import re
from collections.abc import Collection

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


def render_markdown(
    document: QTextDocument,
    text: str,
    code_background: QColor,
    chip: QTextCharFormat | None = None,
) -> None:
    """Render `text`; `chip` is merged into the `cite:` links (see `link_citations`)."""
    document.setMarkdown(text, FEATURES)
    _replace_images(document)
    _shade_code_blocks(document, code_background)
    _fix_table_headers(document)
    if chip is not None:
        _style_citations(document, chip)


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
