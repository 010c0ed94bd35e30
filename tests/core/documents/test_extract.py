"""Reading untrusted documents in-process: every format, every encoding, every way to be broken."""

from __future__ import annotations

import os
import random
import socket
import sys
import urllib.request
import zipfile
from pathlib import Path

import docx
import pytest
from fpdf import FPDF
from pypdf import PdfWriter

from app.core.documents.decoding import decode_text
from app.core.documents.extract import extract
from app.core.documents.formats import kind_of, scan
from app.core.documents.limits import BrokenDocument, ExtractionLimits, UnreadableDocument
from app.core.documents.records import FileStatus, Page

SPANISH = "El año pasado, el niño tomó acción.\nCañón, pingüino, ¿qué tal? ¡Sí, señor Núñez!\n"
LIMITS = ExtractionLimits()


def write_pdf(path: Path, pages: list[str]) -> Path:
    """A real multi-page PDF; an empty string makes a page with no text at all."""
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)  # core font: Latin-1, enough for Spanish
    for text in pages:
        pdf.add_page()
        if text:
            pdf.multi_cell(0, 10, text)
        else:
            pdf.rect(20, 20, 50, 50)  # drawn, like a scanned page: nothing to select
    pdf.output(str(path))
    return path


def encrypt_pdf(source: Path, target: Path, user_password: str) -> Path:
    writer = PdfWriter(clone_from=str(source))
    writer.encrypt(user_password=user_password, owner_password="owner-secret")
    writer.write(target)
    return target


@pytest.fixture
def four_pages(tmp_path: Path) -> Path:
    return write_pdf(
        tmp_path / "informe.pdf",
        ["Primera página: el año del niño.", "", "page three marker", "Cuarta página, acción."],
    )


# -- PDF ---------------------------------------------------------------------


def test_pdf_pages_keep_their_physical_numbers_and_accents(four_pages: Path) -> None:
    extracted = extract(four_pages, LIMITS)
    assert extracted.kind == "pdf"
    assert [page.number for page in extracted.pages] == [1, 2, 3, 4]
    assert extracted.pages[0].text == "Primera página: el año del niño."
    assert extracted.pages[1].text == ""  # the blank page keeps its place
    assert extracted.pages[2].text == "page three marker"
    assert "acción" in extracted.pages[3].text


def test_password_protected_pdf_is_skipped_with_the_reason(
    four_pages: Path, tmp_path: Path
) -> None:
    locked = encrypt_pdf(four_pages, tmp_path / "locked.pdf", user_password="secret")
    with pytest.raises(UnreadableDocument, match="Password-protected PDF"):
        extract(locked, LIMITS)


def test_pdf_encrypted_with_an_empty_user_password_is_read(
    four_pages: Path, tmp_path: Path
) -> None:
    restricted = encrypt_pdf(four_pages, tmp_path / "restricted.pdf", user_password="")
    assert extract(restricted, LIMITS) == extract(four_pages, LIMITS)


def test_truncated_pdf_fails_as_broken(four_pages: Path, tmp_path: Path) -> None:
    data = four_pages.read_bytes()
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(BrokenDocument, match=r"^Broken PDF: "):
        extract(truncated, LIMITS)


def test_garbage_named_pdf_fails_as_broken(tmp_path: Path) -> None:
    fake = tmp_path / "fake.pdf"
    fake.write_text("<html>this was saved with the wrong name</html>", encoding="utf-8")
    with pytest.raises(BrokenDocument, match="not a PDF file"):
        extract(fake, LIMITS)


def test_pdf_without_selectable_text_is_skipped_as_scanned(tmp_path: Path) -> None:
    scanned = write_pdf(tmp_path / "scan.pdf", ["", ""])
    with pytest.raises(UnreadableDocument, match="no selectable text"):
        extract(scanned, LIMITS)


def test_pdf_with_more_pages_than_allowed_fails(four_pages: Path) -> None:
    with pytest.raises(BrokenDocument, match="4 pages, more than the 3-page limit"):
        extract(four_pages, ExtractionLimits(max_pages=3))


def test_pdf_text_beyond_the_character_limit_fails(four_pages: Path) -> None:
    with pytest.raises(BrokenDocument, match="40-character limit"):
        extract(four_pages, ExtractionLimits(max_chars=40))


# -- text encodings ------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("utf-8", SPANISH),
        ("utf-8-sig", SPANISH),  # with a BOM
        ("utf-16", SPANISH),  # Python writes the BOM
        ("utf-16-le", SPANISH),  # no BOM: recognised by its zero bytes
        ("utf-32", SPANISH),
        ("latin-1", SPANISH),
        ("latin-1", "año, niño, acción"),  # short: where charset detectors guess cp1250
        ("cp1252", "“Comillas” y 20 € de propina, señor…\n"),
        # A short Latin-1 line that charset-normalizer alone reads as a CJK codec.
        ("latin-1", "El coeficiente ñandúvalor del lote 7 es 0,42."),
        ("cp1252", "Größe über Straße: 12 €."),
        ("cp1251", "Привет, это обычный русский текст для проверки кодировки."),
    ],
    ids=[
        "utf-8",
        "utf-8-bom",
        "utf-16-bom",
        "utf-16-le",
        "utf-32",
        "latin-1",
        "latin-1-short",
        "cp1252",
        "latin-1-never-cjk",
        "cp1252-german",
        "cp1251-cyrillic",
    ],
)
def test_text_files_decode_in_any_common_encoding(tmp_path: Path, encoding: str, text: str) -> None:
    path = tmp_path / "notas.txt"
    path.write_bytes(text.encode(encoding))
    extracted = extract(path, LIMITS)
    assert extracted.kind == "text"
    assert extracted.pages == (Page(None, text),)


def test_newlines_are_normalised_and_nothing_else_changes(tmp_path: Path) -> None:
    path = tmp_path / "windows.md"
    path.write_bytes(b"# Title\r\n\r\n  indented  line \rold mac\n\n\n\nend")
    assert extract(path, LIMITS).pages[0].text == "# Title\n\n  indented  line \nold mac\n\n\n\nend"


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("data.csv", 'nombre,edad\n"Núñez, J.",42\n', "csv"),
        ("data.tsv", "a\tb\n1\t2\n", "csv"),
        ("script.py", "def f():\n    return 'ñ'  # keep indentation\n", "code"),
        ("README.markdown", "# Título\n\n* uno\n* dos\n", "markdown"),
    ],
)
def test_plain_formats_return_the_file_text_exactly(
    tmp_path: Path, name: str, content: str, kind: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8", newline="")
    extracted = extract(path, LIMITS)
    assert (extracted.kind, extracted.pages) == (kind, (Page(None, content),))


def test_empty_file_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.touch()
    with pytest.raises(UnreadableDocument, match=r"^Empty file\.$"):
        extract(path, LIMITS)


def test_whitespace_only_file_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_text("  \n\n\t\n", encoding="utf-8")
    with pytest.raises(UnreadableDocument, match="No text"):
        extract(path, LIMITS)


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)) * 8,
        random.Random(7).randbytes(4096),
        bytes(range(1, 32)) * 100,  # control characters without a single zero byte
    ],
    ids=["png-header", "random-bytes", "control-characters"],
)
def test_binary_renamed_to_txt_is_skipped(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "not-really.txt"
    path.write_bytes(content)
    with pytest.raises(UnreadableDocument, match="Binary file, not text"):
        extract(path, LIMITS)


def test_file_over_the_size_limit_fails_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("x" * 3000, encoding="utf-8")
    with pytest.raises(BrokenDocument, match="larger than the 2 KB limit"):
        extract(path, ExtractionLimits(max_file_bytes=2048))


def test_unknown_extension_is_skipped_with_its_reason(tmp_path: Path) -> None:
    path = tmp_path / "setup.exe"
    path.write_bytes(b"MZ\x90\x00")
    with pytest.raises(UnreadableDocument, match=r"Not a document type Confidente reads \(\.exe\)"):
        extract(path, LIMITS)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_pipe_named_like_a_text_file_is_not_opened(tmp_path: Path) -> None:
    pipe = tmp_path / "trap.txt"
    os.mkfifo(pipe)  # opening it to read would block until someone writes
    with pytest.raises(UnreadableDocument, match="Not a regular file"):
        extract(pipe, LIMITS)


def test_decode_text_prefers_valid_utf8_over_a_wrong_declaration() -> None:
    assert decode_text("acción".encode(), declared="cp1252") == "acción"


# -- DOCX --------------------------------------------------------------------


def test_docx_paragraphs_and_tables_in_document_order(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("Contrato de arrendamiento", level=1)
    document.add_paragraph("El inquilino pagará el año completo por adelantado.")
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Concepto"
    table.cell(0, 2).text = "Importe"
    for column, text in enumerate(["Renta", "anual", "12.000 €"]):
        table.cell(1, column).text = text
    document.add_paragraph("Firmado en Sevilla.")
    path = tmp_path / "contrato.docx"
    document.save(str(path))

    extracted = extract(path, LIMITS)
    assert extracted.kind == "docx"
    assert extracted.pages == (
        Page(
            None,
            "Contrato de arrendamiento\n\n"
            "El inquilino pagará el año completo por adelantado.\n\n"
            "Concepto | Importe\nRenta | anual | 12.000 €\n\n"
            "Firmado en Sevilla.",
        ),
    )


def test_docx_zip_bomb_is_refused_before_unpacking(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.docx"
    megabyte = bytes(1024 * 1024)
    with (
        zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("word/document.xml", "w", force_zip64=True) as part,
    ):
        for _ in range(64):
            part.write(megabyte)  # zeros: 64 MB in about 64 KB
    assert bomb.stat().st_size < 1024 * 1024
    with pytest.raises(BrokenDocument, match="zip bomb"):
        extract(bomb, LIMITS)


def test_docx_unpacking_beyond_the_limit_is_refused(tmp_path: Path) -> None:
    words = random.Random(3).choices(["renta", "año", "cláusula", "pago", "fianza"], k=60_000)
    document = docx.Document()
    for start in range(0, len(words), 1000):
        document.add_paragraph(" ".join(words[start : start + 1000]))
    path = tmp_path / "long.docx"
    document.save(str(path))
    assert extract(path, LIMITS).pages[0].text.startswith(" ".join(words[:50]))
    with pytest.raises(BrokenDocument, match="unpacks to more than the 256 KB limit"):
        extract(path, ExtractionLimits(max_zip_uncompressed=256 * 1024))


def test_docx_that_is_not_a_zip_fails_as_broken(tmp_path: Path) -> None:
    path = tmp_path / "old.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))  # an OLE .doc, renamed
    with pytest.raises(BrokenDocument, match=r"not a valid \.docx"):
        extract(path, LIMITS)


# -- HTML --------------------------------------------------------------------


def test_html_visible_text_only_and_nothing_fetched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access while reading HTML: {args}")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    page = tmp_path / "page.html"
    page.write_text(
        """<!DOCTYPE html><html><head><title>Informe  anual</title>
        <style>body { color: red }</style><script>var secret = "tracking";</script>
        <link rel="stylesheet" href="http://example.com/s.css"></head>
        <body><h1>Resultados</h1><p>Crecimiento del <b>12 %</b> este año.</p>
        <img src="http://example.com/pixel.png" alt="pixel"><!-- a comment -->
        <noscript>Enable JavaScript</noscript>
        <table><tr><th>Mes</th><th>Ventas</th></tr><tr><td>Enero</td><td>10</td></tr></table>
        <ul><li>uno</li><li>dos &amp; tres</li></ul>line<br>break
        <script>document.write("injected")</script></body></html>""",
        encoding="utf-8",
    )
    extracted = extract(page, LIMITS)
    assert extracted.kind == "html"
    assert extracted.pages == (
        Page(
            None,
            "Informe anual\nResultados\nCrecimiento del 12 % este año.\n"
            "Mes | Ventas\nEnero | 10\nuno\ndos & tres\nline\nbreak",
        ),
    )


def test_html_declared_latin1_charset_is_honoured(tmp_path: Path) -> None:
    page = tmp_path / "viejo.htm"
    markup = '<html><head><meta charset="iso-8859-1"></head><body><p>Pequeño año</p></body>'
    page.write_bytes(markup.encode("latin-1"))
    assert extract(page, LIMITS).pages[0].text == "Pequeño año"


def test_deeply_nested_html_does_not_exhaust_the_stack(tmp_path: Path) -> None:
    depth = sys.getrecursionlimit() * 3
    page = tmp_path / "nested.html"
    page.write_text("<div>" * depth + "fondo" + "</div>" * depth, encoding="utf-8")
    assert extract(page, LIMITS).pages[0].text == "fondo"


# -- formats and scan -----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("a.PDF", "pdf"),
        ("a.log", "text"),
        ("a.rst", "text"),
        ("a.Markdown", "markdown"),
        ("a.xhtml", "html"),
        ("a.docx", "docx"),
        ("a.tsv", "csv"),
        ("a.rs", "code"),
        ("a.yml", "code"),
        ("a.ps1", "code"),
        ("a.png", None),
        ("a.doc", None),
        ("Makefile", None),
    ],
)
def test_kind_of_goes_by_extension(name: str, kind: str | None) -> None:
    assert kind_of(Path(name)) == kind


def test_scan_finds_documents_and_says_why_others_are_left_out(tmp_path: Path) -> None:
    root = tmp_path / "Documentos"
    files = {
        "informe.pdf": b"%PDF-1.4",
        "notas.txt": b"hola",
        "sub/deeper/plan.md": b"# plan",
        "sub/foto.JPG": b"\xff\xd8",
        "sub/setup.exe": b"MZ",
        ".oculto.txt": b"hidden",
        ".git/config.txt": b"[core]",
        ".venv/lib/site.py": b"",
        "node_modules/pkg/index.js": b"",
        "__pycache__/m.py": b"",
        "Thumbs.db": b"",
        "desktop.ini": b"",
        ".DS_Store": b"",
        "~$borrador.docx": b"lock",
        "__MACOSX/informe.pdf": b"",
    }
    for name, content in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(content)
    loops = sys.platform != "win32"
    if loops:
        (root / "sub" / "loop").symlink_to(root, target_is_directory=True)

    found = scan([root, root / "notas.txt", root / ".oculto.txt", tmp_path / "missing"])

    assert found.files == [
        (root / name).resolve()
        for name in (".oculto.txt", "informe.pdf", "notas.txt", "sub/deeper/plan.md")
    ]
    reasons = {
        Path(o.path).relative_to(tmp_path).as_posix(): (o.status, o.reason) for o in found.skipped
    }
    expected = {
        "Documentos/sub/foto.JPG": (FileStatus.SKIPPED, "Images are not read (no OCR)."),
        "Documentos/sub/setup.exe": (
            FileStatus.SKIPPED,
            "Not a document type Confidente reads (.exe).",
        ),
        "missing": (FileStatus.FAILED, "No such file or folder."),
    }
    # The loop (a link back to the added folder, so inside it) is walked once: its files
    # are already found, and nothing is reported about it.
    assert reasons == expected


def test_scan_accepts_strings_and_relative_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.txt").write_text("a", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    found = scan(["a.txt", str(tmp_path / "a.txt"), "."])
    assert found.files == [(tmp_path / "a.txt").resolve()]
    assert found.files[0].is_absolute()
    assert found.skipped == []
