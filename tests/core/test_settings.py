"""Settings: defaults, validation with reasons, and nothing lost on a bad file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.errors import SettingsError
from app.core.paths import app_paths
from app.core.settings import (
    SETTINGS_VERSION,
    InvalidSettingError,
    Settings,
    float_limits,
    int_limits,
    load_settings,
    save_settings,
)


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
        ({"theme": "blue"}, r"theme = 'blue': expected one of 'system', 'light', 'dark'"),
        ({"theme": None}, "theme = None: expected one of"),
        ({"language": "fr"}, r"language = 'fr': expected one of 'system', 'en', 'es'"),
        ({"font_size": 7}, "font_size = 7: expected 8 to 32"),
        ({"font_size": 33}, "font_size = 33: expected 8 to 32"),
        ({"font_size": 12.5}, "font_size = 12.5: expected a whole number or null"),
        ({"font_size": True}, "font_size = True: expected a whole number"),
    ],
)
def test_invalid_values_are_refused_with_a_reason(change: dict[str, object], reason: str) -> None:
    with pytest.raises(SettingsError, match=reason):
        Settings().updated(**change)


def test_appearance_defaults_follow_the_system() -> None:
    settings = Settings()
    assert (settings.theme, settings.language, settings.font_size) == ("system", "system", None)


@pytest.mark.parametrize(
    "change",
    [
        {"theme": "light"},
        {"theme": "dark"},
        {"language": "en"},
        {"language": "es"},
        {"font_size": 8},
        {"font_size": 32},
        {"font_size": 14, "theme": "dark", "language": "es"},
    ],
)
def test_appearance_values_are_accepted_and_kept(change: dict[str, object], tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    settings = Settings().updated(**change)
    save_settings(path, settings)
    loaded = load_settings(path)
    assert loaded.warnings == ()
    assert loaded.settings == settings
    for name, value in change.items():
        assert getattr(loaded.settings, name) == value


def test_a_version_1_file_without_appearance_values_gets_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"version": 1, "temperature": 0.3}))
    loaded = load_settings(path)
    assert loaded.warnings == ()
    assert loaded.settings == Settings(temperature=0.3)


def test_a_bad_appearance_value_in_the_file_falls_back_alone(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"version": 1, "theme": "neon", "font_size": 99, "language": "es"}))
    loaded = load_settings(path)
    assert loaded.settings == Settings(language="es")
    assert any("theme = 'neon' was ignored" in w for w in loaded.warnings)
    assert any("font_size = 99 was ignored: expected 8 to 32" in w for w in loaded.warnings)


@pytest.mark.parametrize(
    ("change", "name"),
    [
        ({"font_size": 40}, "font_size"),
        ({"theme": "neon"}, "theme"),
        ({"max_tokens": 4096}, "max_tokens"),
        ({"chunk_size": 400, "chunk_overlap": 201}, "chunk_overlap"),
    ],
)
def test_the_error_names_the_refused_setting(change: dict[str, object], name: str) -> None:
    """So that a form can point at the field to fix."""
    with pytest.raises(InvalidSettingError) as caught:
        Settings().updated(**change)
    assert caught.value.name == name


def test_limits_are_the_ones_validation_uses() -> None:
    assert int_limits("font_size") == (8, 32)
    assert int_limits("context_length") == (256, 262_144)
    assert float_limits("temperature") == (0.0, 2.0)
    low, high = int_limits("sources")
    Settings().updated(sources=low)
    Settings().updated(sources=high)
    with pytest.raises(SettingsError):
        Settings().updated(sources=high + 1)
    with pytest.raises(KeyError):
        int_limits("temperature")


def test_changes_since_lists_only_what_differs() -> None:
    before = Settings()
    after = before.updated(theme="dark", font_size=12, temperature=before.temperature)
    assert after.changes_since(before) == {"theme": "dark", "font_size": 12}
    assert before.updated(**after.changes_since(before)) == after
    assert after.changes_since(after) == {}


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
