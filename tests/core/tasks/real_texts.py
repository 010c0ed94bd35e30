"""Small real documents for the task tests, written on the fly.

The Spanish sentences are real: copied from the Spanish manual page of
fakeroot (Debian package `fakeroot`, `/usr/share/man/es/man1/fakeroot.1.gz`,
GPL-3+), one sentence a page so the starter model translates them quickly.
"""

from __future__ import annotations

from pathlib import Path

from tests.pdfs import make_pdf

FAKEROOT_ES = (
    "fakeroot ejecuta una orden en un entorno donde parece que se tiene permisos de "
    "superusuario para la manipulación de ficheros.",
    "Guarda el entorno fakeroot en fichero-salvado al salir.",
)

__all__ = ["DEBIAN_FAQ", "FAKEROOT_ES", "make_pdf"]

# The first two pages of the real Debian FAQ (tests/data/pdf/debian-faq.en.pdf).
DEBIAN_FAQ = Path(__file__).resolve().parents[2] / "data" / "pdf" / "debian-faq.en.pdf"
