"""Settings are declared once and documented; configuration mistakes are named precisely."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mucluc.core.config import load_config, parse_config
from mucluc.core.errors import ConfigError
from mucluc.core.settings import SETTINGS

README = Path(__file__).resolve().parents[2] / "README.md"
REPO_CONFIG = Path(__file__).resolve().parents[2] / "mucluc.toml"


def readme_settings() -> dict[str, tuple[str, str]]:
    rows = re.findall(r"^\| `(MUCLUC_[A-Z_]+)` \| (.*?) \| (.*?) \|$", README.read_text(), re.M)
    return {name: (default, meaning) for name, default, meaning in rows}


def test_readme_lists_every_setting_with_its_default_and_help() -> None:
    documented = readme_settings()
    assert set(documented) == {s.name for s in SETTINGS}
    for setting in SETTINGS:
        default, meaning = documented[setting.name]
        assert default == (f"`{setting.default}`" if setting.default else "(empty)")
        assert meaning == setting.help


def test_repository_configuration_loads() -> None:
    config = load_config(REPO_CONFIG)
    assert config.library("DBI").kind == "provincial"
    assert {lib.kind for lib in config.libraries.values()} == {"provincial", "district", "school"}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({}, "declares no libraries"),
        ({"library": [{"code": "A", "kind": "school"}]}, "needs both `code` and `name`"),
        ({"library": [{"code": "A", "name": "A", "kind": "national"}]}, "kind 'national'"),
        (
            {"library": [{"code": "A", "name": "A", "kind": "school"}] * 2},
            "declared twice",
        ),
        (
            {"library": [{"code": "A", "name": "A", "kind": "school", "parent": "Z"}]},
            "unknown parent 'Z'",
        ),
    ],
    ids=["empty", "no-name", "bad-kind", "duplicate", "unknown-parent"],
)
def test_configuration_mistakes(raw: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        parse_config(raw, Path("mucluc.toml"))


def test_unknown_library_names_the_known_codes() -> None:
    config = load_config(REPO_CONFIG)
    with pytest.raises(ConfigError, match="known: DBD, DBI"):
        config.library("XYZ")
