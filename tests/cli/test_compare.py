"""`confidente compare OLD NEW`, run as a real subprocess (no model is loaded for it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.tasks.test_compare import EDITS, apache_license, edited

ROOT = Path(__file__).resolve().parents[2]


def _run(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env["CONFIDENTE_HOME"] = str(home)
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "app", "compare", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def versions(tmp_path: Path) -> tuple[Path, Path]:
    text = apache_license()
    old, new = tmp_path / "licence v1.txt", tmp_path / "licence v2.txt"
    old.write_text(text, encoding="utf-8")
    new.write_text(edited(text), encoding="utf-8")
    return old, new


def test_json_lists_each_difference_with_its_pages_and_sources(
    confidente_home: Path, versions: tuple[Path, Path]
) -> None:
    old, new = versions
    result = _run([str(old), str(new), "--json"], confidente_home)

    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)  # exactly one JSON document on stdout
    assert set(document) >= {"differences", "sources", "counts"}
    assert {(d["kind"], d["heading"]) for d in document["differences"]} == EDITS
    for difference in document["differences"]:
        assert set(difference) >= {"kind", "heading", "old_page", "new_page", "sources", "diff"}
        assert difference["old_page"] is None
        assert difference["new_page"] is None
        assert difference["sources"]
        assert difference["diff"]
    assert document["sources"] == [
        {"n": 1, "path": str(old), "page": None},
        {"n": 2, "path": str(new), "page": None},
    ]
    assert document["counts"] == {"added": 1, "removed": 1, "changed": 2, "moved": 1}
    [definitions] = [d for d in document["differences"] if d["heading"] == "1. Definitions."]
    [change] = definitions["changes"]  # the edited sentence, before and after
    assert "fifty percent (50%)" in change["old"]
    assert "sixty percent (60%)" in change["new"]
    assert change["old"].replace("fifty", "sixty").replace("50%", "60%") == change["new"]
    assert document["partial"] is False
    assert "Traceback" not in result.stderr


def test_text_shows_one_block_per_difference_then_the_sources(
    confidente_home: Path, versions: tuple[Path, Path]
) -> None:
    old, new = versions
    result = _run([str(old), str(new)], confidente_home)

    assert result.returncode == 0, result.stderr
    assert "Changed — 1. Definitions. [1][2]" in result.stdout
    assert "- For the purposes of this definition" in result.stdout
    assert "Removed — 6. Trademarks [1]" in result.stdout
    assert "Added — 10. Governing Law [2]" in result.stdout
    assert result.stdout.rstrip().endswith(f"[1] {old}\n[2] {new}")
    assert "sections:" in result.stderr  # progress goes to stderr


def test_a_missing_file_is_a_clear_error(confidente_home: Path, tmp_path: Path) -> None:
    present = tmp_path / "present.txt"
    present.write_text("Some text.", encoding="utf-8")
    missing = tmp_path / "missing.txt"

    result = _run([str(present), str(missing), "--json"], confidente_home)

    assert result.returncode == 1
    assert result.stdout == ""
    assert f"There is no file {missing}" in result.stderr
    assert "Traceback" not in result.stderr
