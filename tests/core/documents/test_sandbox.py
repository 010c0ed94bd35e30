"""The sandboxed reader: a hostile file fails alone, with its reason, and the rest go on."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from fpdf import FPDF
from pypdf import PdfWriter

from app.core.cancel import CancelToken
from app.core.documents.extract import extract
from app.core.documents.limits import BrokenDocument, ExtractionLimits, UnreadableDocument
from app.core.documents.records import Page
from app.core.documents.sandbox import IsolatedExtractor, extract_isolated
from app.core.errors import ConfidenteError

MiB = 1024 * 1024


@pytest.fixture
def good_pdf(tmp_path: Path) -> Path:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    for text in ("Primera página del año.", "Segunda página.", "page three marker"):
        pdf.add_page()
        pdf.multi_cell(0, 10, text)
    path = tmp_path / "bueno.pdf"
    pdf.output(str(path))
    return path


@pytest.fixture
def slow_html(tmp_path: Path) -> Path:
    """A genuine, large page: several seconds of parsing, more than the tests ever wait."""
    rows = "".join(
        f"<div><p>Párrafo {i} con <b>negrita</b> y texto.</p></div>" for i in range(80_000)
    )
    path = tmp_path / "lento.html"
    path.write_text(f"<html><body>{rows}</body></html>", encoding="utf-8")
    return path


@pytest.fixture
def extractor() -> Iterator[IsolatedExtractor]:
    with IsolatedExtractor(ExtractionLimits()) as reader:
        yield reader


def flate_bomb_pdf(path: Path, unpacked_bytes: int) -> Path:
    """A one-page PDF whose content stream inflates from a few KB to `unpacked_bytes`."""
    stream = zlib.compress(bytes(unpacked_bytes), 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(out))
    return path


def test_reads_like_the_in_process_reader_in_one_long_lived_child(
    extractor: IsolatedExtractor, good_pdf: Path, tmp_path: Path
) -> None:
    notes = tmp_path / "notas.txt"
    notes.write_bytes("año, niño, acción\r\n".encode("utf-16"))
    assert extractor.extract(good_pdf) == extract(good_pdf)
    pid = extractor.child_pid
    assert pid is not None
    assert pid != os.getpid()
    assert extractor.extract(notes).pages == (Page(None, "año, niño, acción\n"),)
    assert extractor.child_pid == pid  # no process start per file


def test_skips_and_failures_come_back_as_the_same_errors_and_the_child_stays(
    extractor: IsolatedExtractor, good_pdf: Path, tmp_path: Path
) -> None:
    locked = tmp_path / "locked.pdf"
    writer = PdfWriter(clone_from=str(good_pdf))
    writer.encrypt(user_password="secret")
    writer.write(locked)
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(b"\x00\x01not a pdf" * 100)

    with pytest.raises(UnreadableDocument) as skipped:
        extractor.extract(locked)
    assert skipped.value.message == "Password-protected PDF: Confidente cannot read it."
    pid = extractor.child_pid
    with pytest.raises(BrokenDocument, match=r"^Broken PDF: "):
        extractor.extract(garbage)
    assert extractor.child_pid == pid
    assert extractor.extract(good_pdf).pages[2].text == "page three marker"


def test_a_file_that_takes_too_long_fails_and_the_next_one_is_read(
    good_pdf: Path, slow_html: Path
) -> None:
    with IsolatedExtractor(ExtractionLimits(seconds=0.5)) as reader:
        assert reader.extract(good_pdf).kind == "pdf"  # the child is up: only reading is timed
        started = time.monotonic()
        with pytest.raises(BrokenDocument, match=r"^Took longer than 0\.5 s to read; skipped\.$"):
            reader.extract(slow_html)
        assert 0.5 <= time.monotonic() - started < 3.0
        assert reader.child_pid is None  # the stuck child was killed
        assert reader.extract(good_pdf).pages[0].text == "Primera página del año."


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS is enforced on Linux only")
def test_a_decompression_bomb_runs_out_of_memory_alone(good_pdf: Path, tmp_path: Path) -> None:
    bomb = flate_bomb_pdf(tmp_path / "bomb.pdf", 70_000_000)  # under pypdf's own 75 MB cap
    assert bomb.stat().st_size < 200_000
    with IsolatedExtractor(ExtractionLimits(memory_bytes=128 * MiB)) as reader:
        assert reader.extract(good_pdf).kind == "pdf"  # an honest file fits in the limit
        # PDFium aborts when an allocation fails (Python's readers raise MemoryError).
        with pytest.raises(BrokenDocument, match=r"more than the 128 MB of memory allowed"):
            reader.extract(bomb)
        assert reader.extract(good_pdf).pages[2].text == "page three marker"


def test_a_crashed_reader_fails_that_file_and_a_fresh_one_reads_the_next(
    extractor: IsolatedExtractor, good_pdf: Path, slow_html: Path
) -> None:
    extractor.extract(good_pdf)
    pid = extractor.child_pid
    assert pid is not None
    kill = getattr(signal, "SIGKILL", signal.SIGTERM)
    killer = threading.Timer(0.3, os.kill, (pid, kill))  # as the OS would, mid-file
    killer.start()
    try:
        with pytest.raises(BrokenDocument, match=r"^The reader crashed on this file\.$"):
            extractor.extract(slow_html)
    finally:
        killer.join()
    assert extractor.extract(good_pdf).pages[0].text == "Primera página del año."
    assert extractor.child_pid not in (None, pid)


def test_an_idle_reader_killed_from_outside_is_replaced_silently(
    extractor: IsolatedExtractor, good_pdf: Path
) -> None:
    extractor.extract(good_pdf)
    pid = extractor.child_pid
    assert pid is not None
    os.kill(pid, getattr(signal, "SIGKILL", signal.SIGTERM))
    child = psutil.Process(pid)
    deadline = time.monotonic() + 5
    while child.is_running() and child.status() != psutil.STATUS_ZOMBIE:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert extractor.extract(good_pdf).pages[1].text == "Segunda página."


def test_an_unexpected_error_in_the_child_is_a_short_message_not_a_traceback(
    extractor: IsolatedExtractor, good_pdf: Path
) -> None:
    with pytest.raises(BrokenDocument) as failed:
        extractor.extract(Path("bad\x00name.txt"))
    assert failed.value.message == "Could not read this file: ValueError: embedded null byte"
    assert "Traceback" in (failed.value.detail or "")  # kept for a log, never shown
    assert extractor.extract(good_pdf).kind == "pdf"


def test_cancel_stops_a_slow_read_promptly(
    extractor: IsolatedExtractor, good_pdf: Path, slow_html: Path
) -> None:
    extractor.extract(good_pdf)
    pid = extractor.child_pid
    assert pid is not None
    cancel = CancelToken()
    timer = threading.Timer(0.3, cancel.cancel)
    timer.start()
    started = time.monotonic()
    try:
        with pytest.raises(ConfidenteError) as stopped:
            extractor.extract(slow_html, cancel)
    finally:
        timer.join()
    assert time.monotonic() - started < 1.5
    assert type(stopped.value) is ConfidenteError  # neither skipped nor failed: cancelled
    assert stopped.value.message == "Cancelled."
    assert not psutil.pid_exists(pid)  # killed and reaped
    assert extractor.extract(good_pdf).kind == "pdf"


def test_an_already_cancelled_token_starts_nothing(good_pdf: Path) -> None:
    cancel = CancelToken()
    cancel.cancel()
    with IsolatedExtractor() as reader:
        with pytest.raises(ConfidenteError, match=r"^Cancelled\.$"):
            reader.extract(good_pdf, cancel)
        assert reader.child_pid is None


def test_close_ends_the_child(good_pdf: Path) -> None:
    reader = IsolatedExtractor()
    reader.extract(good_pdf)
    pid = reader.child_pid
    assert pid is not None
    reader.close()
    assert reader.child_pid is None
    assert not psutil.pid_exists(pid)


def test_extract_isolated_reads_one_file(good_pdf: Path) -> None:
    assert extract_isolated(good_pdf, ExtractionLimits()) == extract(good_pdf)


def test_the_reader_is_light_to_import_and_silent(good_pdf: Path, tmp_path: Path) -> None:
    """Nothing heavy in the modules the child imports; no output from a noisy parser."""
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(good_pdf.read_bytes()[:-300])  # in-process, pypdf logs to stderr on this
    code = (
        "import sys\n"
        "import app.core.documents.sandbox as sandbox\n"
        "heavy = ('pypdf', 'docx', 'bs4', 'charset_normalizer', 'torch', 'chromadb',"
        " 'llama_cpp', 'PySide6', 'sentence_transformers')\n"
        "assert not [m for m in heavy if m in sys.modules], sys.modules.keys()\n"
        "from pathlib import Path\n"
        "with sandbox.IsolatedExtractor() as reader:\n"
        "    try:\n"
        f"        reader.extract(Path({str(broken)!r}))\n"
        "    except sandbox.BrokenDocument as error:\n"
        "        assert error.message.startswith('Broken PDF: '), error.message\n"
        "    else:\n"
        "        raise AssertionError('the truncated PDF was read')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[3],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (result.stdout, result.stderr) == ("", "")
