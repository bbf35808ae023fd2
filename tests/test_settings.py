"""Settings: defaults, the TOML file, environment overrides, clear errors."""

from __future__ import annotations

import pytest

from models.errors import CallqError
from models.settings import Settings, load_settings


def test_defaults_without_a_file(tmp_path):
    settings = load_settings(tmp_path / "none.toml", environ={})
    assert settings == Settings()
    assert settings.attempt_cap == 8 and settings.attempt_gap_minutes == 120


def test_file_then_environment(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('default_region = "DE"\nattempt_cap = 6\n[keymap]\nnext_lead = "j,down"\n')
    settings = load_settings(path, environ={"CALLQ_ATTEMPT_CAP": "10"})
    assert settings.default_region == "DE"
    assert settings.attempt_cap == 10
    assert settings.keymap == {"next_lead": "j,down"}


def test_broken_file_names_file_and_line(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('default_region = "DE"\nattempt_cap = \n')
    with pytest.raises(CallqError, match=r"config.toml.*line 2"):
        load_settings(path, environ={})


@pytest.mark.parametrize(
    ("text", "env", "message"),
    [
        ("colour = 'red'\n", {}, "unknown setting 'colour'"),
        ("[kemap]\nnext_lead = 'j'\n", {}, r"unknown setting 'kemap' \(did you mean 'keymap'\?\)"),
        ("attempt_cap = 'many'\n", {}, "attempt_cap has the wrong type"),
        ("[keymap]\nnext_lead = 5\n", {}, "keymap.next_lead must be text in quotes, not 5"),
        ("", {"CALLQ_ATTEMPT_CAP": "lots"}, "must be a whole number"),
    ],
)
def test_bad_values_are_named(tmp_path, text, env, message):
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(CallqError, match=message):
        load_settings(path, environ=env)
