"""An English question about a Spanish document, answered with the real starter model:
the model translates the question, and the Spanish passage is found by its words."""

from __future__ import annotations

from pathlib import Path

from app.core.chat.service import SourcesFound
from app.core.services import Services
from app.core.worker import Finished, Update

MANUAL = (
    "Manual del equipo portátil. La batería del portátil dura unas nueve horas con el brillo "
    "de la pantalla al mínimo. Para cargarla se usa el adaptador de 65 W que viene en la caja.\n\n"
    "El teclado se puede limpiar con un paño seco; no use productos con alcohol."
)
GUIDE = (
    "Printer guide. The printer uses a toner cartridge that lasts for about two thousand "
    "pages. To replace it, open the front cover and pull the old cartridge out.\n\n"
    "Paper jams are cleared from the rear tray; switch the printer off first."
)


def test_an_english_question_finds_the_spanish_manual_through_a_translation(
    services: Services, tmp_path: Path
) -> None:
    (tmp_path / "portatil.txt").write_text(MANUAL, "utf-8")
    (tmp_path / "printer.txt").write_text(GUIDE, "utf-8")
    services.documents.add([tmp_path]).result()
    assert services.documents.languages() == {"es", "en"}
    question = "How many hours does the laptop battery last?"
    assert not any(
        s.path.endswith("portatil.txt") for s in services.documents.search(question, k=1)
    ), "the English words alone do not find it: the translation must"

    found: list[SourcesFound] = []
    replies = []
    for event in services.chat.send(None, question, library="default").events():
        if isinstance(event, Update) and isinstance(event.value, SourcesFound):
            found.append(event.value)
        elif isinstance(event, Finished):
            replies.append(event.result)
    [reply] = replies
    assert reply.timings["translation_ms"] > 0
    assert Path(found[0].sources[0].path).name == "portatil.txt"
    assert reply.sources == found[0].sources


def test_a_one_language_library_asks_no_translation(services: Services, tmp_path: Path) -> None:
    (tmp_path / "printer.txt").write_text(GUIDE, "utf-8")
    services.documents.add([tmp_path]).result()
    reply = services.chat.send(None, "What does the printer use?", library="default").result()
    assert "translation_ms" not in reply.timings
    assert Path(reply.sources[0].path).name == "printer.txt"
