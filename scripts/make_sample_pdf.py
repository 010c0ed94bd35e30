"""Write app/resources/sample/confidente-sample.pdf, the PDF `confidente --self-test` indexes.

Run once (fpdf2 is a dev dependency); the PDF itself is committed:

    .venv/bin/python -m scripts.make_sample_pdf
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF

SAMPLES = Path(__file__).resolve().parents[1] / "app" / "resources" / "sample"
OUTPUT = SAMPLES / "confidente-sample.pdf"
# The self-test searches for this sentence (app/gui/self_test.py SAMPLE_PHRASE).
SENTENCE = (
    "The lighthouse keeper of Isla Quebrada logged forty-two amber flashes "
    "on the night the heron migration began."
)
FILLER = (
    "This short document ships with Confidente so that the self-test can index a real "
    "PDF and find a passage in it, offline, without touching the user's library."
)


def main() -> None:
    pdf = FPDF()
    pdf.set_creation_date(datetime(2026, 1, 1, tzinfo=UTC))  # the same bytes on every run
    pdf.set_title("Confidente sample")
    pdf.add_page()
    pdf.set_font("Helvetica", size=16)
    pdf.multi_cell(0, 10, "Confidente sample document")
    pdf.set_font("Helvetica", size=12)
    pdf.ln(4)
    pdf.multi_cell(0, 7, FILLER)
    pdf.ln(4)
    pdf.multi_cell(0, 7, SENTENCE)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(OUTPUT))
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
