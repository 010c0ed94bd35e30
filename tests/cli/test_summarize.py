"""`confidente summarize`, run as a real subprocess outside pytest, on real PDFs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.paths import app_paths
from app.core.settings import Settings, save_settings

CLI = [sys.executable, "-m", "app"]
SAMPLE_PDF = Path(__file__).resolve().parents[2] / "app/resources/sample/confidente-sample.pdf"


@pytest.fixture
def home(confidente_home: Path, starter_model: Path) -> Path:
    """CONFIDENTE_HOME with the test run's starter model and a small context (fast)."""
    settings = Settings(model_path=str(starter_model), context_length=512, max_tokens=32)
    save_settings(app_paths().ensure().settings_file, settings)
    return confidente_home


def _run(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env["CONFIDENTE_HOME"] = str(home)
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (root, env.get("PYTHONPATH"))))
    return subprocess.run(
        [*CLI, *args], env=env, capture_output=True, text=True, timeout=300, cwd=root
    )


def test_json_summary_cites_the_pages_of_a_real_pdf(home: Path) -> None:
    result = _run(["summarize", str(SAMPLE_PDF), "--json"], home)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    document = json.loads(result.stdout)  # exactly one JSON document on stdout
    assert set(document) >= {"points", "sources", "parts", "partial", "seconds_per_page"}
    assert document["sources"] == [{"n": 1, "page": 1, "path": str(SAMPLE_PDF)}]
    assert document["points"]
    for point in document["points"]:
        assert set(point) >= {"text", "sources", "pages"}
        assert point["text"].strip()
        assert point["sources"] == [1]
        assert point["pages"] == [1]
    assert document["parts"] == {"done": 1, "total": 1}
    assert document["partial"] is False
    assert document["seconds_per_page"] > 0


def test_text_summary_lists_points_then_sources(home: Path) -> None:
    result = _run(["summarize", str(SAMPLE_PDF), "--pages", "1"], home)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    points = [line for line in lines if line.startswith("- ")]
    assert points
    assert all(line.endswith("[1]") for line in points)
    assert "Sources:" in lines
    assert lines[-1] == "  [1] confidente-sample.pdf, page 1"
    assert "parts: 1/1" in result.stderr
    assert "s per page" in result.stderr


@pytest.mark.parametrize(
    ("pages", "message"),
    [("5-6", "there is no page 5"), ("seven", "is not a page range")],
)
def test_a_page_outside_the_document_is_a_clear_error(home: Path, pages: str, message: str) -> None:
    result = _run(["summarize", str(SAMPLE_PDF), "--pages", pages, "--json"], home)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
