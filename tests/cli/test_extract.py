"""`confidente extract` as a real subprocess with the starter model."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from app.core.paths import app_paths
from app.core.settings import Settings, save_settings
from app.core.tasks.extract import TEMPLATES
from tests.cli.test_translate import run_cli
from tests.core.tasks.real_texts import DEBIAN_FAQ


@pytest.fixture
def settings(confidente_home: Path, starter_model: Path) -> None:
    """Settings pointing at the already assembled starter model."""
    save_settings(app_paths().settings_file, Settings(model_path=str(starter_model)))


@pytest.mark.usefixtures("settings")
def test_template_json_has_a_cell_per_field_with_page_and_source(
    confidente_home: Path,
) -> None:
    result = run_cli(
        ["extract", str(DEBIAN_FAQ), "--template", "contract", "--pages", "1-2", "--json"],
        confidente_home,
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert set(document) == {"fields", "rows", "sources", "partial"}
    assert document["fields"] == list(TEMPLATES["contract"])
    assert [row["field"] for row in document["rows"]] == list(TEMPLATES["contract"])
    numbers = {source["n"]: source["page"] for source in document["sources"]}
    for row in document["rows"]:
        assert set(row) == {"field", "value", "page", "n", "found", "unverified"}
        if row["found"]:
            assert numbers[row["n"]] == row["page"]
            assert row["page"] in (1, 2)
        else:
            assert (row["value"], row["page"], row["n"]) == ("not found", None, None)


@pytest.mark.usefixtures("settings")
def test_csv_file_is_written(confidente_home: Path, tmp_path: Path) -> None:
    out = tmp_path / "table.csv"
    result = run_cli(
        ["extract", str(DEBIAN_FAQ), "--fields", "title, date", "--pages", "1", "--csv", str(out)],
        confidente_home,
    )
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(out.read_text("utf-8"))))
    assert rows[0] == ["field", "value", "page", "source", "check"]
    assert [row[0] for row in rows[1:]] == ["title", "date"]
    assert "| field | value | page | source | check |" in result.stdout


def test_no_fields_is_a_clear_error(confidente_home: Path) -> None:
    result = run_cli(["extract", str(DEBIAN_FAQ)], confidente_home)
    assert result.returncode == 1
    assert "--fields" in result.stderr
    assert "--template" in result.stderr
    assert "Traceback" not in result.stderr
