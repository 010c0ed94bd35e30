"""`confidente translate` as a real subprocess with the starter model."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.paths import app_paths
from app.core.settings import Settings, save_settings
from tests.core.tasks.real_texts import FAKEROOT_ES, make_pdf

CLI = [sys.executable, "-m", "app"]
WORKTREE = str(Path(__file__).resolve().parents[2])


def run_cli(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env["CONFIDENTE_HOME"] = str(home)
    env["PYTHONPATH"] = WORKTREE
    return subprocess.run(
        [*CLI, *args], env=env, cwd=WORKTREE, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def spanish_pdf(confidente_home: Path, tmp_path: Path, starter_model: Path) -> Path:
    """The Spanish PDF, and settings pointing at the already assembled starter model."""
    save_settings(app_paths().settings_file, Settings(model_path=str(starter_model)))
    return make_pdf(tmp_path / "fakeroot.pdf", FAKEROOT_ES)


def test_output_file_gets_the_markdown(
    confidente_home: Path, spanish_pdf: Path, tmp_path: Path
) -> None:
    out = tmp_path / "fakeroot.en.md"
    out.write_text("an older translation", "utf-8")  # -o replaces only this file
    result = run_cli(
        ["translate", str(spanish_pdf), "--to", "en", "--pages", "1", "-o", str(out)],
        confidente_home,
    )
    assert result.returncode == 0, result.stderr
    markdown = out.read_text("utf-8")
    assert markdown.startswith("# fakeroot.pdf (translated to English)\n")
    assert [line[:9] for line in markdown.splitlines() if line.startswith("## ")] == ["## Page 1"]
    assert result.stdout == ""
    assert spanish_pdf.read_bytes().startswith(b"%PDF")


def test_json_has_every_page_with_its_number(confidente_home: Path, spanish_pdf: Path) -> None:
    result = run_cli(["translate", str(spanish_pdf), "--to", "en", "--json"], confidente_home)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert set(document) == {"pages", "target", "partial"}
    assert document["target"] == "en"
    assert document["partial"] is False
    assert [p["page"] for p in document["pages"]] == [1, 2]
    for page in document["pages"]:
        assert set(page) == {"page", "text", "translated"}
        assert isinstance(page["translated"], bool)
        assert page["text"].strip()


def test_the_document_itself_is_never_the_output(confidente_home: Path, spanish_pdf: Path) -> None:
    before = spanish_pdf.read_bytes()
    result = run_cli(
        ["translate", str(spanish_pdf), "--to", "en", "-o", str(spanish_pdf)], confidente_home
    )
    assert result.returncode == 1
    assert "is the document itself" in result.stderr
    assert spanish_pdf.read_bytes() == before


def test_missing_target_is_a_usage_error(confidente_home: Path, tmp_path: Path) -> None:
    result = run_cli(["translate", str(tmp_path / "any.pdf")], confidente_home)
    assert result.returncode == 2
    assert "--to" in result.stderr
    assert "Traceback" not in result.stderr
