"""Turn one document file into text, page by page, within limits.

Every file is untrusted: it may be mislabelled, truncated, encrypted, or
built to exhaust the reader. This module does the parsing and enforces the
limits a parser can check for itself (file size, page count, characters,
zip expansion). Time and memory cannot be bounded from inside the same
process, so the app runs this in the sandboxed reader (`sandbox.py`).

The parsers (PDFium through pypdfium2, pypdf, python-docx, BeautifulSoup, charset-normalizer) are
imported where they are used: importing this module for its error classes
and limits costs nothing.
"""

from __future__ import annotations

import codecs
import importlib
import logging
import re
import stat
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.documents.decoding import decode_text
from app.core.documents.formats import kind_of, unsupported_reason
from app.core.documents.limits import (
    BrokenDocument,
    ExtractionLimits,
    MiB,
    UnreadableDocument,
    human_size,
)
from app.core.documents.records import Extracted, Page
from app.core.errors import ConfidenteError

if TYPE_CHECKING:
    from bs4 import BeautifulSoup
    from docx.table import Table
    from pypdf import PdfReader

    from app.core.documents.pdf_text import PageText

logger = logging.getLogger(__name__)

# DOCX parts are deflated XML, typically 5-30x smaller than unpacked. A large
# part that shrank far more than that is padding built to explode in memory.
_ZIP_MAX_RATIO = 200
_ZIP_RATIO_CHECKED_FROM = 1 * MiB
_ZIP_MAX_ENTRIES = 10_000


def preload_parsers() -> None:
    """Import every parser now (the sandboxed reader does, before its first deadline)."""
    for module in ("pypdfium2", "pypdf", "docx", "bs4", "charset_normalizer"):
        importlib.import_module(module)


def extract(path: Path, limits: ExtractionLimits | None = None) -> Extracted:
    """Read the text of `path`, by its kind.

    Raises `UnreadableDocument` for files to skip and `BrokenDocument` for
    files that failed, each with a message for the user.
    """
    limits = limits or ExtractionLimits()
    kind = kind_of(path)
    if kind is None:
        raise UnreadableDocument(unsupported_reason(path))
    try:
        status = path.stat()
    except FileNotFoundError as error:
        raise BrokenDocument("The file is gone: it was moved or deleted.") from error
    except OSError as error:
        raise BrokenDocument(f"Could not open the file ({error.strerror}).") from error
    if not stat.S_ISREG(status.st_mode):  # opening a pipe named "x.txt" would block forever
        raise UnreadableDocument("Not a regular file.")
    size = status.st_size
    if size > limits.max_file_bytes:
        raise BrokenDocument(f"File is larger than the {human_size(limits.max_file_bytes)} limit.")
    if size == 0:
        raise UnreadableDocument("Empty file.")
    pages = _READERS.get(kind, _read_plain)(path, limits)
    if not any(page.text.strip() for page in pages):
        raise UnreadableDocument("No text in this file.")
    return Extracted(kind=kind, pages=tuple(pages))


# -- plain text: text, markdown, code, csv -----------------------------------


def _read_plain(path: Path, limits: ExtractionLimits) -> list[Page]:
    """The decoded text itself: later offsets index into exactly this string."""
    text = decode_text(_read_bytes(path, limits))
    _check_chars(len(text), limits)
    return [Page(None, text)]


def _read_bytes(path: Path, limits: ExtractionLimits) -> bytes:
    try:
        with path.open("rb") as file:
            data = file.read(limits.max_file_bytes + 1)  # the file may grow after stat()
    except OSError as error:
        raise BrokenDocument(f"Could not open the file ({error.strerror}).") from error
    if len(data) > limits.max_file_bytes:
        raise BrokenDocument(f"File is larger than the {human_size(limits.max_file_bytes)} limit.")
    if not data:
        raise UnreadableDocument("Empty file.")
    return data


def _read_head(path: Path, size: int) -> bytes:
    try:
        with path.open("rb") as file:
            return file.read(size)
    except OSError as error:
        raise BrokenDocument(f"Could not open the file ({error.strerror}).") from error


def _check_chars(count: int, limits: ExtractionLimits) -> None:
    if count > limits.max_chars:
        raise BrokenDocument(
            f"File has more text than the {limits.max_chars:,}-character limit; too large."
        )


# -- PDF ---------------------------------------------------------------------


def _read_pdf(path: Path, limits: ExtractionLimits) -> list[Page]:
    """PDFium's text of every page; pypdf reads what PDFium cannot open at all.

    PDFium keeps word boundaries and reading order where pypdf runs justified
    words together (measured on real manuals: tests/core/documents/test_extract_real.py), and
    is about 20 times faster. pypdf stays as the fallback: its lenient parser
    recovers some damaged files PDFium refuses.
    """
    if b"%PDF-" not in _read_head(path, 1024):  # readers accept junk before the header
        raise BrokenDocument("Broken PDF: this is not a PDF file (no PDF header).")
    try:
        return _read_pdf_pdfium(path, limits)
    except _PdfiumRefused as refused:
        logger.info("PDFium could not open %s (%s); trying pypdf", path, refused)
        return _read_pdf_pypdf(path, limits)


class _PdfiumRefused(Exception):
    """PDFium could not load the file as a document (damaged structure)."""


def _read_pdf_pdfium(path: Path, limits: ExtractionLimits) -> list[Page]:
    import pypdfium2 as pdfium

    from app.core.documents import pdf_text

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as error:
        reason = str(error)
        if "password" in reason.lower():
            raise UnreadableDocument(
                "Password-protected PDF: Confidente cannot read it."
            ) from error
        if "security" in reason.lower():
            raise UnreadableDocument(
                "This PDF uses an encryption Confidente cannot open; it cannot be read."
            ) from error
        raise _PdfiumRefused(reason) from error
    try:
        count = len(document)
        _check_page_count(count, limits)
        texts: list[pdf_text.PageText] = []
        failures = 0
        total = 0
        for index in range(count):
            try:
                texts.append(_pdfium_page(document, index))
            except pdfium.PdfiumError as error:
                # One bad page should not cost the user the rest of the document.
                failures += 1
                logger.info("page %d of %s could not be read: %s", index + 1, path, error)
                texts.append(pdf_text.PageText("", ()))
            total += len(texts[-1].text)
            _check_chars(total, limits)
        if failures == count:
            raise BrokenDocument("Broken PDF: no page could be read.")
    finally:
        document.close()
    pages = [Page(number, text.text) for number, text in enumerate(texts, start=1)]
    if not any(page.text.strip() for page in pages):
        raise UnreadableDocument("This PDF has no selectable text (scanned pages need OCR).")
    return pages


def _pdfium_page(document: Any, index: int) -> PageText:
    from app.core.documents import pdf_text

    page = document[index]
    try:
        textpage = page.get_textpage()
        try:
            return pdf_text.tidy(*pdf_text.raw_page_text(textpage))
        finally:
            textpage.close()
    finally:
        page.close()


def _check_page_count(count: int, limits: ExtractionLimits) -> None:
    if count == 0:
        raise BrokenDocument("Broken PDF: it has no pages.")
    if count > limits.max_pages:
        raise BrokenDocument(
            f"PDF has {count:,} pages, more than the {limits.max_pages:,}-page limit."
        )


def _read_pdf_pypdf(path: Path, limits: ExtractionLimits) -> list[Page]:
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError

    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            _unlock(reader)
        count = len(reader.pages)
    except (ConfidenteError, MemoryError):
        raise
    except Exception as error:
        raise BrokenDocument(f"Broken PDF: {_short(error)}") from error
    _check_page_count(count, limits)

    pages: list[Page] = []
    failures: list[str] = []
    total = 0
    for number in range(1, count + 1):
        try:
            raw = reader.pages[number - 1].extract_text()
        except MemoryError:
            raise
        except LimitReachedError as error:
            raise BrokenDocument(
                f"Broken PDF: page {number} unpacks beyond the safe size (a decompression bomb?)."
            ) from error
        except Exception as error:
            # One bad page should not cost the user the rest of the document.
            failures.append(_short(error))
            logger.info("page %d of %s could not be read: %s", number, path, failures[-1])
            raw = ""
        text = _tidy_page(raw)
        total += len(text)
        _check_chars(total, limits)
        pages.append(Page(number, text))
    if len(failures) == count:
        raise BrokenDocument(f"Broken PDF: no page could be read ({failures[0]}).")
    if not any(page.text.strip() for page in pages):
        raise UnreadableDocument("This PDF has no selectable text (scanned pages need OCR).")
    return pages


def _unlock(reader: PdfReader) -> None:
    """Open a PDF encrypted with an empty user password, as many "protected" PDFs are."""
    from pypdf import PasswordType
    from pypdf.errors import DependencyError

    try:
        unlocked = reader.decrypt("")
    except DependencyError as error:
        raise UnreadableDocument(
            "This PDF uses an encryption Confidente cannot open; it cannot be read."
        ) from error
    if unlocked == PasswordType.NOT_DECRYPTED:
        raise UnreadableDocument("Password-protected PDF: Confidente cannot read it.")


_BLANK_LINES = re.compile(r"\n{3,}")


def _tidy_page(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text).strip("\n")


# -- DOCX --------------------------------------------------------------------


def _read_docx(path: Path, limits: ExtractionLimits) -> list[Page]:
    _check_zip(path, limits)
    import docx
    from docx.table import Table

    blocks: list[str] = []
    total = 0
    try:
        document = docx.Document(str(path))
        for block in document.iter_inner_content():
            text = _table_text(block) if isinstance(block, Table) else block.text
            if text.strip():
                blocks.append(text)
                total += len(text) + 2
                _check_chars(total, limits)
    except (ConfidenteError, MemoryError):
        raise
    except Exception as error:
        raise BrokenDocument(f"Broken Word file: {_short(error)}") from error
    return [Page(None, "\n\n".join(blocks))]


def _check_zip(path: Path, limits: ExtractionLimits) -> None:
    """Refuse a zip bomb from the sizes its directory declares, before anything unpacks.

    python-docx unpacks every part into memory; zipfile never inflates an
    entry past the size declared here, so checking these numbers is enough.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise BrokenDocument("Broken Word file: not a valid .docx (zip) package.") from error
    if len(entries) > _ZIP_MAX_ENTRIES:
        raise BrokenDocument(f"Broken Word file: it holds {len(entries):,} parts.")
    total = 0
    for entry in entries:
        total += entry.file_size
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size >= _ZIP_RATIO_CHECKED_FROM and ratio > _ZIP_MAX_RATIO:
            raise BrokenDocument(
                f"Broken Word file: a part expands {ratio:,.0f} times when unpacked (a zip bomb?)."
            )
    if total > limits.max_zip_uncompressed:
        raise BrokenDocument(
            f"Word file unpacks to more than the {human_size(limits.max_zip_uncompressed)} limit."
        )


def _table_text(table: Table) -> str:
    """Rows on their own lines, cells joined by " | "; a merged cell appears once."""
    rows: list[str] = []
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            if cell._tc is previous:  # a horizontally merged cell repeats for each column
                continue
            previous = cell._tc
            cells.append(" ".join(cell.text.split()))
        rows.append(" | ".join(cells))
    return "\n".join(rows)


# -- HTML --------------------------------------------------------------------

_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_DROPPED_TAGS = frozenset((
    "script", "style", "noscript", "template", "head", "iframe", "object", "embed", "svg",
    "canvas",
))  # fmt: skip
_BLOCK_TAGS = frozenset((
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2",
    "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li", "main", "menu",
    "nav", "ol", "option", "p", "pre", "section", "summary", "table", "tbody", "tfoot", "thead",
    "tr", "ul",
))  # fmt: skip
_WHITESPACE = re.compile(r"\s+")
_CELL = "\x1f"  # marks a table cell boundary until lines are assembled


def _read_html(path: Path, limits: ExtractionLimits) -> list[Page]:
    """Visible text only. Nothing the page refers to (images, links, frames) is fetched."""
    from bs4 import BeautifulSoup

    data = _read_bytes(path, limits)
    markup = decode_text(data, declared=_declared_charset(data))
    with warnings.catch_warnings():
        # bs4 warns about markup that looks like a URL or like XML; both are fine here.
        warnings.simplefilter("ignore")
        soup = BeautifulSoup(markup, "html.parser")
    text = _html_text(soup)
    _check_chars(len(text), limits)
    return [Page(None, text)]


def _declared_charset(data: bytes) -> str | None:
    found = _DECLARED_CHARSET.search(data[:4096])
    if found is None:
        return None
    try:
        codec = codecs.lookup(found.group(1).decode("ascii")).name
    except LookupError:
        return None
    # As browsers do: a page labelled Latin-1 or ASCII is really Windows-1252.
    return "cp1252" if codec in ("iso8859-1", "ascii") else codec


def _html_text(soup: BeautifulSoup) -> str:
    """Block elements on their own lines, the <title> first.

    Walked with an explicit stack: hostile pages nest thousands of levels deep.
    """
    from bs4.element import CData, NavigableString, PageElement, PreformattedString, Tag

    parts: list[str] = []
    pre_depth = 0  # inside <pre>, line breaks in the text are the author's
    stack: list[tuple[PageElement, bool]] = [(soup, False)]
    while stack:
        node, closing = stack.pop()
        if closing:
            if isinstance(node, Tag) and node.name == "pre":
                pre_depth -= 1
            parts.append("\n")
        elif isinstance(node, NavigableString):
            if isinstance(node, PreformattedString) and not isinstance(node, CData):
                continue  # comments, doctypes, processing instructions
            parts.append(str(node) if pre_depth else _WHITESPACE.sub(" ", node))
        elif isinstance(node, Tag) and node.name not in _DROPPED_TAGS:
            if node.name == "br":
                parts.append("\n")
                continue
            if node.name in ("td", "th"):
                parts.append(_CELL)
            if node.name in _BLOCK_TAGS:
                if node.name == "pre":
                    pre_depth += 1
                parts.append("\n")
                stack.append((node, True))
            stack.extend((child, False) for child in reversed(node.contents))

    lines: list[str] = []
    title = soup.title.get_text() if soup.title else ""
    if title.strip():
        lines.append(" ".join(title.split()))
    for line in "".join(parts).split("\n"):
        cells = (" ".join(cell.split()) for cell in line.split(_CELL))
        text = " | ".join(cell for cell in cells if cell)
        if text:
            lines.append(text)
    return "\n".join(lines)


_READERS: dict[str, Callable[[Path, ExtractionLimits], list[Page]]] = {
    "pdf": _read_pdf,
    "docx": _read_docx,
    "html": _read_html,
}


def _short(error: BaseException) -> str:
    """A one-line reason from a parser's exception, never a traceback."""
    lines = str(error).strip().splitlines()
    message = lines[0] if lines else type(error).__name__
    return message if len(message) <= 160 else message[:157] + "..."
