"""`confidente FILE…` (what "Open with Confidente" runs): files, not commands, open the window.

The parsing is checked in this process; the real entry point then runs in a fresh
interpreter, where it opens the window on the file given and on one the system sends
(macOS's open event), and both appear in the Documents pane.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app.cli import entry
from app.core import privacy
from app.core.resources import resources_dir
from tests.cli.test_cli import _env


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The current folder: a file named like a command, and one without an extension."""
    folder = tmp_path / "here"
    folder.mkdir()
    (folder / "chat").write_text("a file named like a command\n")
    (folder / "notes").write_text("a file with no extension\n")
    monkeypatch.chdir(folder)
    return folder


def files_of(*argv: str) -> list[str]:
    args = entry.parse_arguments(argv)
    assert args.command is None
    return list(args.files)


def test_file_paths_open_the_window_with_them_absolute(here: Path) -> None:
    assert files_of("report.pdf") == [str(here / "report.pdf")]
    assert files_of("/data/a.pdf", "b.docx") == ["/data/a.pdf", str(here / "b.docx")]
    assert files_of("notes") == [str(here / "notes")]  # exists: a file, extension or not
    assert files_of("sub/notes") == [str(here / "sub" / "notes")]  # a folder in it
    assert files_of("~/a.txt") == [os.path.expanduser("~/a.txt")]
    args = entry.parse_arguments(["--model", "m.gguf", "a.pdf"])
    assert (args.model, args.files) == ("m.gguf", [str(here / "a.pdf")])
    args = entry.parse_arguments(["--mod", "chat", "a.pdf"])  # an option's value, abbreviated
    assert (args.model, args.files) == ("chat", [str(here / "a.pdf")])
    assert entry.parse_arguments(["--model=m.gguf", "a.pdf"]).files == [str(here / "a.pdf")]


def test_a_command_name_is_the_command_and_a_path_to_it_a_file(here: Path) -> None:
    args = entry.parse_arguments(["chat"])  # even with a file named "chat" here
    assert (args.command, args.files) == ("chat", [])
    assert entry.parse_arguments(["add", "a.pdf"]).paths == ["a.pdf"]
    assert files_of("./chat") == [str(here / "chat")]
    assert files_of("--", "chat") == [str(here / "chat")]
    assert files_of("a.pdf", "chat") == [str(here / "a.pdf"), str(here / "chat")]
    args = entry.parse_arguments([])
    assert (args.command, args.files) == (None, [])


def test_a_word_that_is_neither_a_command_nor_a_file_is_refused(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        entry.parse_arguments(["chta"])
    assert exited.value.code == entry.EXIT_USAGE
    assert "invalid choice: 'chta'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        entry.parse_arguments(["--self-test", "a.pdf"])
    assert "--self-test opens no files" in capsys.readouterr().err


def test_help_explains_files_even_after_one(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--help"], ["a.pdf", "--help"]):
        with pytest.raises(SystemExit) as exited:
            entry.parse_arguments(argv)
        assert exited.value.code == 0
        text = " ".join(capsys.readouterr().out.split())
        assert "[FILE ...]" in text
        assert "Open with Confidente" in text
        assert "./chat" in text
        assert "chat in the terminal" in text  # the commands are listed too


def test_main_hands_the_files_to_the_window(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import app.gui.main_window

    opened: list[tuple[Any, ...]] = []

    def run_gui(argv: list[str], model: str | None, **options: Any) -> int:
        opened.append((model, options))
        return 0

    monkeypatch.setattr(privacy, "install_network_guard", lambda: None)  # cannot be undone
    monkeypatch.setattr(app.gui.main_window, "run_gui", run_gui)
    assert entry.main(["a.pdf", "./chat"]) == 0
    assert entry.main([]) == 0
    assert opened == [
        (None, {"self_test": False, "files": [str(here / "a.pdf"), str(here / "chat")]}),
        (None, {"self_test": False, "files": []}),
    ]


# Run in a fresh interpreter, as the `confidente` command would be: the application
# receives a file the system opens with it (macOS's open event) before the window
# exists; `main` gets another on its command line. A timer waits until the Documents
# pane lists both, indexed, with the last one opened selected, prints what it shows,
# and closes the window, which ends the app.
OPEN_PROBE = """
import json, sys
from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication

from app.gui.documents import DocumentOpeningApplication

model, sent, named = sys.argv[1:]
app = DocumentOpeningApplication(["confidente"])  # what run_gui makes; it uses this one
QCoreApplication.postEvent(app, QFileOpenEvent(sent))
app.processEvents()  # delivered before there is a window: it waits for one


def listed() -> None:
    for widget in QApplication.topLevelWidgets():
        if type(widget).__name__ == "MainWindow" and widget.isVisible():
            panel = widget.documents_panel
            files = {f.path: f.status for f in panel.model.files()}
            selected = panel.selected_paths()
            if len(files) == 2 and selected == [sent] and not widget.library.busy:
                print("SHOWN " + json.dumps(files), flush=True)
                QApplication.closeAllWindows()
                return
    QTimer.singleShot(50, listed)


QTimer.singleShot(0, listed)
QTimer.singleShot(120_000, QApplication.closeAllWindows)  # fails the test, not the run
from app.cli import main

sys.exit(main(["--model", model, named]))
"""


def test_the_command_opens_the_window_on_its_files_and_on_files_the_system_sends(
    confidente_home: Path, starter_model: Path, tmp_path: Path
) -> None:
    sent = tmp_path.resolve() / "sent by the system.md"
    sent.write_text("# Tides\n\nHigh tide at 07:12 on Monday.\n", encoding="utf-8")
    named = (resources_dir() / "sample" / "confidente-sample.pdf").resolve()
    env = _env(confidente_home) | {"QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", OPEN_PROBE, str(starter_model), str(sent), str(named)],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr
    shown = [line for line in result.stdout.splitlines() if line.startswith("SHOWN ")]
    assert shown, result.stderr
    assert json.loads(shown[0].removeprefix("SHOWN ")) == {
        str(sent): "indexed",
        str(named): "indexed",
    }
