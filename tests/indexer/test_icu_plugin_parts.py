"""The ICU plugin folder's parts (indexer.icu_plugin), without fetching or a node."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer import icu_plugin
from indexer.distribution import OPENSEARCH_VERSION


@pytest.mark.parametrize(
    ("jars", "version"),
    [
        (["lucene-core-10.5.0.jar", "lucene-analysis-common-10.5.0.jar"], "10.5.0"),
        (["lucene-analysis-common-9.12.3.jar"], None),
        ([], None),
    ],
    ids=["core jar", "no core jar", "empty lib"],
)
def test_lucene_version_is_read_from_the_distribution(
    tmp_path: Path, jars: list[str], version: str | None
) -> None:
    (tmp_path / "lib").mkdir()
    for jar in jars:
        (tmp_path / "lib" / jar).touch()
    assert icu_plugin.lucene_version(tmp_path) == version


def test_artifacts_pin_the_distribution_versions() -> None:
    assert icu_plugin.artifacts("10.5.0") == [
        f"org.opensearch.plugin:analysis-icu-client:{OPENSEARCH_VERSION}",
        "org.apache.lucene:lucene-analysis-icu:10.5.0",
        f"com.ibm.icu:icu4j:{icu_plugin.ICU4J_VERSION}",
    ]


def test_descriptor_names_the_plugin_class_and_versions() -> None:
    lines = dict(
        line.split("=", 1)
        for line in icu_plugin.descriptor().splitlines()
        if line and not line.startswith("#")
    )
    assert lines["classname"] == "org.opensearch.plugin.analysis.icu.AnalysisICUPlugin"
    assert lines["name"] == "analysis-icu"
    assert lines["opensearch.version"] == lines["version"] == OPENSEARCH_VERSION


def test_without_a_lucene_version_nothing_is_installed(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    assert icu_plugin.install(tmp_path) is False
    assert not (tmp_path / "plugins").exists()
