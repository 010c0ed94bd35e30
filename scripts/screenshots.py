"""Render screenshots of Confidente's main states into docs/screenshots/.

    make screenshots                     # every theme and language, under Xvfb when present
    python -m scripts.screenshots --theme dark --language es

Each run uses a fresh, temporary CONFIDENTE_HOME, the real starter model and
the test corpus (tests/corpus.py), and grabs: the empty window, a chat, the
documents being indexed, an answer from documents with its quotes and sources,
the source viewer with the first quote (else the first source) lit, and the
settings dialog. Widgets are rendered with
`QWidget.grab()`, so the pictures are the same on a real screen (Xvfb) and
on the offscreen platform.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

OUTPUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
SIZE = (1200, 760)
QUESTION = {
    "en": "Which body approved the anticoagulation guideline, and when?",
    "es": "¿Qué órgano aprobó la guía de anticoagulación y en qué fecha?",
}
CHAT = {
    "en": "Write a short note to thank a colleague for her help.",
    "es": "Escribe una nota breve para agradecer a una colega su ayuda.",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--theme", choices=("light", "dark"), default="light")
    parser.add_argument("--language", choices=("en", "es"), default="en")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="where the PNGs go")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as home:
        os.environ["CONFIDENTE_HOME"] = home
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        render(args.theme, args.language, Path(home), args.output)
    return 0


def render(theme: str, language: str, home: Path, output: Path = OUTPUT) -> None:
    from PySide6.QtWidgets import QApplication

    from app.core.data_key import ephemeral_key
    from app.core.paths import app_paths
    from app.core.services import Services
    from app.core.settings import save_settings
    from app.gui.i18n import install_translators
    from app.gui.main_window import MainWindow
    from app.gui.theme import apply_theme
    from tests.corpus import build_corpus

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Confidente")
    paths = app_paths().ensure()
    (paths.config / "welcomed").write_text("screenshots\n")
    from app.core.settings import Settings

    settings = Settings(theme=theme, language=language, max_tokens=96, temperature=0.2)
    save_settings(paths.settings_file, settings)
    apply_theme(app, theme, None)
    translators = install_translators(app, language)
    services = Services(documents_process=True, key=ephemeral_key())  # a scratch home
    window = MainWindow(services)
    window.resize(*SIZE)
    window.show()
    window.load_model()
    name = f"{theme}-{language}"

    def wait_until(condition: Callable[[], bool], seconds: float = 120.0) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError(f"screenshots: gave up waiting ({name})")
            app.processEvents()
            time.sleep(0.01)

    def shot(state: str, widget: object | None = None) -> None:
        from PySide6.QtWidgets import QWidget

        target = widget if isinstance(widget, QWidget) else window
        app.processEvents()
        output.mkdir(parents=True, exist_ok=True)
        path = output / f"{name}-{state}.png"
        target.grab().save(str(path))
        print(f"wrote {path}")

    try:
        wait_until(lambda: window.model_state == "ready")
        window.documents_dock.hide()
        shot("empty")

        window.composer.editor.setPlainText(CHAT[language])
        window.on_submitted(window.composer.text())
        wait_until(lambda: not window.busy)
        shot("chatting")

        corpus = home / "corpus"
        build_corpus(corpus)
        window.documents_dock.show()
        window.library.add([str(corpus)])
        panel = window.documents_panel
        wait_until(lambda: panel.progress.isVisible() and panel.progress.overall_bar.value() > 0)
        shot("indexing")
        wait_until(lambda: not panel.progress.isVisible(), seconds=600)

        window.on_new_chat()
        window.composer.set_answer_from_documents(True)
        window.composer.editor.setPlainText(QUESTION[language])
        window.on_submitted(window.composer.text())
        wait_until(lambda: not window.busy)
        shot("answer-with-sources")

        answer = window.chat_view.messages()[-1]
        if answer.sources:
            shown: list[bool] = []
            if answer.quotes:  # a click on the quote, as the user would: its sentence is lit
                answer.quotes_view.quote_chosen.emit(answer.quotes[0])
            else:
                window.open_source(answer.sources[0])
            viewer = window.source_viewer
            assert viewer is not None
            viewer.passage_shown.connect(lambda: shown.append(True))
            viewer.resize(900, 700)
            wait_until(lambda: bool(shown) or viewer.highlighted)
            wait_until(lambda: viewer.isVisible())
            app.processEvents()
            viewer.page_view.scroll_to_highlight()  # at the size it is shown
            shot("source-viewer", viewer)
            viewer.close()

        dialog = window.show_settings()
        shot("settings", dialog)
        dialog.tabs.setCurrentIndex(dialog.tabs.count() - 1)  # Privacy: erase all my data
        shot("settings-privacy", dialog)
        dialog.close()
    finally:
        window.close()
        window.shutdown()
        services.close()
        from app.gui.i18n import remove_translators

        remove_translators(app, translators)
        shutil.rmtree(home / "corpus", ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
