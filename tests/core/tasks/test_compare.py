"""The compare task on a real text and an edited copy, as text files and as PDFs.

The real text is the Apache License 2.0 as shipped inside the sentence-transformers
package (a dependency, so it is on every machine that runs these tests). `edited`
makes five known edits to it; every one must be found, with its kind and page, and
nothing else.
"""

from __future__ import annotations

import importlib.metadata
import re
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

from app.core.cancel import CancelToken
from app.core.documents.records import Page
from app.core.services import Services
from app.core.tasks.compare import Comparison, Difference, compare_documents, split_sections
from app.core.tasks.pages import Document
from app.core.worker import Failed, Finished, Job, JobContext, Progress

EDU_ES = (
    Path(__file__).resolve().parents[2] / "data" / "pdf" / "debian-edu-manual.es.p72-74-79-92.pdf"
)


def apache_license() -> str:
    """The real Apache License 2.0 text from the sentence-transformers distribution."""
    dist = importlib.metadata.distribution("sentence-transformers")
    licence = next(f for f in dist.files or () if f.name == "LICENSE")
    text = Path(str(dist.locate_file(licence))).read_text(encoding="utf-8")
    assert "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION" in text
    return text


def _replace(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def _cut(text: str, start: str, end: str) -> tuple[str, str]:
    """`text` without the part from `start` up to `end`, and that part."""
    a, b = text.index(start), text.index(end)
    return text[:a] + text[b:], text[a:b]


# The edits, as (kind, heading) of the difference each must produce.
EDITS = {
    ("changed", "1. Definitions."),  # a number: fifty percent (50%) → sixty percent (60%)
    ("removed", "6. Trademarks"),  # a section deleted
    ("changed", "7. Disclaimer of Warranty"),  # one sentence reworded
    ("moved", "5. Submission of Contributions"),  # a section moved after section 8
    ("added", "10. Governing Law"),  # a section added
}


def edited(text: str) -> str:
    text = _replace(text, "fifty percent (50%)", "sixty percent (60%)")
    text, _ = _cut(text, "   6. Trademarks.", "   7. Disclaimer of Warranty.")
    text = _replace(
        text,
        "You are solely responsible for determining the\n"
        "      appropriateness of using or redistributing the Work",
        "You alone must decide whether it is\n      appropriate to use or redistribute the Work",
    )
    text, five = _cut(text, "   5. Submission of Contributions.", "   7. Disclaimer of Warranty.")
    at = text.index("   9. Accepting Warranty")
    text = text[:at] + five + text[at:]
    at = text.index("   END OF TERMS AND CONDITIONS")
    added = (
        "   10. Governing Law. This License shall be governed by the laws of the\n"
        "      State of Delaware, without regard to its conflict of law provisions.\n\n"
    )
    return text[:at] + added + text[at:]


def write_pdf(path: Path, text: str) -> Path:
    """The text set as a PDF: fpdf2 breaks it into pages, so page numbers are real."""
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    pdf.multi_cell(0, 6, text)
    pdf.output(str(path))
    return path


def found(comparison: Comparison) -> set[tuple[str, str]]:
    return {(d.kind, d.heading) for d in comparison.differences}


def by_heading(comparison: Comparison, heading: str) -> Difference:
    return next(d for d in comparison.differences if d.heading == heading)


@pytest.fixture
def plain_services() -> Iterator[Services]:
    """Services without a model: compare needs none."""
    services = Services()
    yield services
    services.close()


def run(services: Services, old: Path, new: Path) -> tuple[Comparison, list[Progress]]:
    job = services.tasks.compare(old, new)
    events = list(job.events())
    finished = events[-1]
    if isinstance(finished, Failed):
        raise finished.error
    assert isinstance(finished, Finished)
    return finished.result, [e for e in events if isinstance(e, Progress)]


def test_every_edit_of_a_real_text_is_found(plain_services: Services, tmp_path: Path) -> None:
    text = apache_license()
    old, new = tmp_path / "licence-v1.txt", tmp_path / "licence-v2.txt"
    old.write_text(text, encoding="utf-8")
    new.write_text(edited(text), encoding="utf-8")

    comparison, progress = run(plain_services, old, new)

    assert found(comparison) == EDITS  # recall 5/5, and nothing unchanged is listed
    assert comparison.counts == {"added": 1, "removed": 1, "changed": 2, "moved": 1}
    assert not comparison.partial
    number = by_heading(comparison, "1. Definitions.")
    [(was, now)] = number.changes  # one sentence changed, the rest of 1. is as it was
    assert "fifty percent (50%)" in was
    assert now == was.replace("fifty percent (50%)", "sixty percent (60%)")
    assert number.diff.splitlines()[-1] == "~ fifty → sixty; (50%) → (60%)"
    reworded = by_heading(comparison, "7. Disclaimer of Warranty").changes
    assert len(reworded) == 1
    assert "You alone must decide" in reworded[0][1]
    moved = by_heading(comparison, "5. Submission of Contributions")
    assert "8. Limitation of Liability" in moved.diff
    # Text files have no pages: page is None and each file is one source.
    assert all(d.old_page is None and d.new_page is None for d in comparison.differences)
    assert [(s.n, s.path, s.page) for s in comparison.sources] == [
        (1, str(old), None),
        (2, str(new), None),
    ]
    assert by_heading(comparison, "6. Trademarks").sources == (1,)
    assert by_heading(comparison, "10. Governing Law").sources == (2,)
    assert number.sources == (1, 2)
    assert progress[-1].label == "sections"
    assert progress[-1].done == progress[-1].total > 0


def _page_of(document: Document, phrase: str) -> int | None:
    pages = [p.number for p in document.pages if phrase in " ".join(p.text.split())]
    assert len(pages) == 1, (phrase, pages)
    return pages[0]


def test_pdf_versions_cite_the_pages_of_each_side(plain_services: Services, tmp_path: Path) -> None:
    text = apache_license()
    old = write_pdf(tmp_path / "licence-v1.pdf", text)
    new = write_pdf(tmp_path / "licence-v2.pdf", edited(text))
    before = plain_services.tasks.read(old, None, CancelToken())
    after = plain_services.tasks.read(new, None, CancelToken())
    assert len(before.pages) > 3  # a real page layout, several pages

    comparison, _ = run(plain_services, old, new)

    assert found(comparison) == EDITS
    number = by_heading(comparison, "1. Definitions.")
    assert number.old_page == _page_of(before, "fifty percent (50%)")
    assert number.new_page == _page_of(after, "sixty percent (60%)")
    removed = by_heading(comparison, "6. Trademarks")
    assert (removed.old_page, removed.new_page) == (_page_of(before, "6. Trademarks."), None)
    added = by_heading(comparison, "10. Governing Law")
    assert (added.old_page, added.new_page) == (None, _page_of(after, "10. Governing Law."))
    moved = by_heading(comparison, "5. Submission of Contributions")
    assert moved.old_page == _page_of(before, "5. Submission of Contributions.")
    assert moved.new_page == _page_of(after, "5. Submission of Contributions.")
    # Sources: every cited page once, the old document's first, each in page order.
    cited = [(s.path, s.page) for s in comparison.sources]
    olds = [page or 0 for path, page in cited if path == str(old)]
    news = [page or 0 for path, page in cited if path == str(new)]
    assert cited == [(str(old), p) for p in olds] + [(str(new), p) for p in news]
    assert olds == sorted(olds)
    assert news == sorted(news)
    assert [s.n for s in comparison.sources] == list(range(1, len(cited) + 1))
    for difference in comparison.differences:
        pages = {cited[n - 1] for n in difference.sources}
        if difference.old_page is not None:
            assert (str(old), difference.old_page) in pages
        if difference.new_page is not None:
            assert (str(new), difference.new_page) in pages


def test_a_real_pdf_with_a_page_left_out(plain_services: Services, tmp_path: Path) -> None:
    """The real Spanish manual excerpt (4 pages) against a copy without its third page."""
    reader, writer = PdfReader(EDU_ES), PdfWriter()
    for index in (0, 1, 3):
        writer.add_page(reader.pages[index])
    shorter = tmp_path / "manual sin la página 3.pdf"
    writer.write(shorter)

    comparison, _ = run(plain_services, EDU_ES, shorter)

    kinds = comparison.counts
    assert kinds["removed"] >= 3
    assert kinds["added"] == kinds["moved"] == 0
    assert {"14.3. Usar ldapvi", "14.4. NFS Kerberos"} <= {
        d.heading for d in comparison.differences if d.kind == "removed"
    }
    # All that is gone was on page 3; a section running on from page 2 lost its end.
    assert {d.old_page for d in comparison.differences} == {3}
    assert all(d.kind == "removed" or d.new_page == 2 for d in comparison.differences)

    same, _ = run(plain_services, EDU_ES, EDU_ES)
    assert same.differences == ()
    assert same.sources == ()


FAQ = Path(__file__).resolve().parents[2] / "data" / "pdf" / "debian-faq.en.pdf"


def _edit_page(pages: dict[int, str], number: int, old: str, new: str) -> None:
    pages[number] = _replace(pages[number], old, new)


def test_edits_in_a_real_manual_are_found_at_their_pages(plain_services: Services) -> None:
    """Five edits in the real 66-page Debian FAQ, each at a known page."""
    before = plain_services.tasks.read(FAQ, None, CancelToken())
    pages = {p.number or 0: p.text for p in before.pages}
    _edit_page(pages, 10, "Ian Murdock in 1993", "Ian Murdock in 1994")
    _edit_page(
        pages,
        10,
        "In short, Linux is the kernel of a Unix-like operating system.",
        "Put simply, Linux is the core of an operating system like Unix.",
    )
    text = pages[11]  # section 1.7 ends chapter 1, on page 11: delete it
    pages[11] = text[: text.index("1.7 How does one")] + text[text.rindex("\n") :]
    pages[25], five = _cut(pages[25], "5.2 Who wrote", "5.3 How can I get")
    _edit_page(pages, 26, "5.8 How can I check", five + "5.8 How can I check")
    added = (
        "4.7 Can I run Debian in a container?\nYes. Debian images for container engines are "
        "published for each release, and they are\nupdated with security fixes soon after "
        "each point release.\n"
    )
    _edit_page(pages, 22, "4.3 How compatible", added + "4.3 How compatible")
    after = Document(
        Path("faq-edited.pdf"),
        before.kind,
        tuple(Page(p.number, pages[p.number or 0]) for p in before.pages),
    )

    comparison = compare_documents(JobContext(Job("compare")), before, after)

    assert [(d.kind, d.heading[:12], d.old_page, d.new_page) for d in comparison.differences] == [
        ("changed", "1.2 What is ", 10, 10),  # 1993 → 1994
        ("changed", "1.3 OK, now ", 10, 10),  # a sentence reworded
        ("removed", "1.7 How does", 11, None),
        ("added", "4.7 Can I ru", None, 22),
        ("moved", "5.2 Who wrot", 25, 26),
    ]
    assert "1993" in comparison.differences[0].changes[0][0]
    assert "1994" in comparison.differences[0].changes[0][1]


def _document(name: str, text: str) -> Document:
    return Document(Path(name), "text", (Page(None, text),))


def test_layout_numbering_and_hyphenation_are_not_differences() -> None:
    text = apache_license()
    # Another line width, a word hyphenated across a line break...
    rewrapped = "\n\n".join(
        textwrap.fill(" ".join(p.split()), 60) for p in re.split(r"\n\s*\n", text)
    )
    rewrapped = _replace(rewrapped, "Notwithstanding", "Notwith-\nstanding")
    # ...and the sections after a deleted one renumbered.
    renumbered, _ = _cut(rewrapped, "6. Trademarks.", "7. Disclaimer of Warranty.")
    for number in (7, 8, 9):
        renumbered = _replace(renumbered, f"{number}. ", f"{number - 1}. ")

    comparison = compare_documents(
        JobContext(Job("compare")), _document("old.txt", text), _document("new.txt", renumbered)
    )

    assert found(comparison) == {("removed", "6. Trademarks")}


def test_a_clause_rewritten_where_it_stood_is_changed_not_removed_and_added() -> None:
    """As the Debian Social Contract's clause 1 was between its versions 1.0 and 1.1:
    a new title, and most of the wording redone or extended, in the same place."""
    text = apache_license()
    old_clause = text[text.index("6. Trademarks.") : text.index("7. Disclaimer of Warranty.")]
    rewritten = _replace(
        text,
        old_clause,
        "6. Names and logos. Nobody may put the names, logos or marks of the Licensor\n"
        "      on anything they sell or advertise, except where customary use in\n"
        "      describing the origin of the Work needs them. Any other use needs the\n"
        "      written consent of the Licensor, given beforehand, for each product.\n\n   ",
    )

    comparison = compare_documents(
        JobContext(Job("compare")), _document("old.txt", text), _document("new.txt", rewritten)
    )

    assert found(comparison) == {("changed", "6. Names and logos")}


class CancelAfter(JobContext):
    """A job context whose user cancels once `updates` differences were sent."""

    def __init__(self, updates: int) -> None:
        super().__init__(Job("compare"))
        self.updates = updates
        self.sent: list[object] = []

    def update(self, value: object) -> None:
        super().update(value)
        self.sent.append(value)
        if len(self.sent) >= self.updates:
            self.cancel.cancel()


def test_cancel_keeps_the_differences_found_so_far() -> None:
    text = apache_license()
    old, new = _document("old.txt", text), _document("new.txt", edited(text))
    full = compare_documents(JobContext(Job("compare")), old, new)
    assert not full.partial

    context = CancelAfter(2)
    partial = compare_documents(context, old, new)

    assert partial.partial
    kept = [(d.kind, d.heading, d.diff) for d in partial.differences]
    everything = [(d.kind, d.heading, d.diff) for d in full.differences]
    assert 2 <= len(kept) < len(everything)
    assert kept == everything[: len(kept)]  # what was found before the cancel, as found
    sent = [v for v in context.sent if isinstance(v, Difference)]
    assert [(d.kind, d.heading, d.diff) for d in sent] == kept  # each sent as it was found


class CancelWhilePairing(JobContext):
    def __init__(self) -> None:
        super().__init__(Job("compare"))

    def progress(self, label: str, done: int, total: int) -> None:
        super().progress(label, done, total)
        self.cancel.cancel()


def test_cancel_while_pairing_lists_nothing_uncertain() -> None:
    text = apache_license()
    old, new = _document("old.txt", text), _document("new.txt", edited(text))

    comparison = compare_documents(CancelWhilePairing(), old, new)

    assert comparison.partial
    assert comparison.differences == ()


@pytest.mark.parametrize(
    ("text", "headings"),
    [
        (
            "CONTRATO DE ARRENDAMIENTO\nEntre las partes.\n"
            "Cláusula 1. Objeto\nEl arrendador cede el uso.\n"
            "Cláusula 2. Precio\nLa renta es de 500 euros.",
            ["CONTRATO DE ARRENDAMIENTO", "Cláusula 1. Objeto", "Cláusula 2. Precio"],
        ),
        (
            "Artículo 4\nLas partes acuerdan.\nArtículo 5\nEl plazo es de un año.",
            ["Artículo 4", "Artículo 5"],
        ),
        (
            "# Guide\nIntro text here.\n## 2.3 Setup\nRun the installer now.",
            ["Guide", "2.3 Setup"],
        ),
        (  # no headings: paragraphs
            "First paragraph, of a few words.\n\nSecond paragraph\nwrapped on two lines.",
            ["First paragraph, of a few words.", "Second paragraph wrapped on two lines."],
        ),
    ],
)
def test_sections_start_at_headings_else_paragraphs(text: str, headings: list[str]) -> None:
    assert [s.heading for s in split_sections(_document("a.txt", text))] == headings
