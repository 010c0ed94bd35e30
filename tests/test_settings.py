"""Settings: defaults, validation with reasons, and nothing lost on a bad file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.errors import SettingsError
from app.core.paths import app_paths
from app.core.settings import SETTINGS_VERSION, Settings, load_settings, save_settings


def test_confidente_home_moves_every_path(confidente_home: Path) -> None:
    paths = app_paths().ensure()
    for folder in (paths.data, paths.config, paths.models, paths.cache):
        assert folder.is_relative_to(confidente_home)
        assert folder.is_dir()


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    loaded = load_settings(tmp_path / "settings.json")
    assert loaded.settings == Settings()
    assert loaded.warnings == ()


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    settings = Settings().updated(temperature=0.2, threads=3, system_prompt="Sé breve.")
    save_settings(path, settings)
    assert load_settings(path).settings == settings
    assert json.loads(path.read_text())["version"] == SETTINGS_VERSION


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"temperature": 5}, "0.0 to 2.0"),
        ({"context_length": 10}, "256 to"),
        ({"threads": "four"}, "whole number"),
        ({"max_tokens": 9000, "context_length": 4096}, "smaller than context_length"),
        ({"colour": "blue"}, "Unknown setting"),
    ],
)
def test_invalid_values_are_refused_with_a_reason(change: dict[str, object], reason: str) -> None:
    with pytest.raises(SettingsError, match=reason):
        Settings().updated(**change)


def test_unreadable_file_is_kept_aside_and_defaults_used(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{ not json", encoding="utf-8")
    loaded = load_settings(path)
    assert loaded.settings == Settings()
    assert "could not be read" in loaded.warnings[0]
    kept = list(tmp_path.glob("settings.json.unreadable-*"))
    assert len(kept) == 1
    assert kept[0].read_text(encoding="utf-8") == "{ not json"


def test_one_bad_value_falls_back_alone(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"version": 1, "temperature": "hot", "top_p": 0.5}))
    loaded = load_settings(path)
    assert loaded.settings.temperature == Settings().temperature
    assert loaded.settings.top_p == 0.5
    assert any("temperature" in w for w in loaded.warnings)
