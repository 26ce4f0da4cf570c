"""The `mucluc` command as a user runs it: one-line errors, exit codes, a load summary."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.catalogue import config_toml
from tests.marc_builders import book, write_marc

#: A closed port: the commands that fail before reaching the engine never need one.
NO_ENGINE = "http://127.0.0.1:9"


def mucluc(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    merged = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "mucluc", *args],
        capture_output=True,
        text=True,
        env=merged,
        cwd=cwd,
        timeout=300,
    )


@pytest.fixture
def workspace(tmp_path: Path, index_prefix: str) -> tuple[Path, dict[str, str]]:
    """A folder with a configuration declaring DBI; no engine (see `loading_workspace`)."""
    (tmp_path / "mucluc.toml").write_text(config_toml("DBI"), encoding="utf-8")
    env = {
        "MUCLUC_CONFIG": str(tmp_path / "mucluc.toml"),
        "MUCLUC_OPENSEARCH_URL": NO_ENGINE,
        "MUCLUC_INDEX_PREFIX": f"{index_prefix}-cli",
        "MUCLUC_HOME": str(tmp_path / "home"),
    }
    return tmp_path, env


@pytest.fixture
def loading_workspace(
    workspace: tuple[Path, dict[str, str]], opensearch_url: str
) -> tuple[Path, dict[str, str]]:
    """`workspace` pointed at the session's engine, for commands that get as far as loading."""
    folder, env = workspace
    return folder, {**env, "MUCLUC_OPENSEARCH_URL": opensearch_url}


def assert_one_line_error(
    result: subprocess.CompletedProcess[str], status: int, *words: str
) -> None:
    assert result.returncode == status, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("mucluc: ")
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0]


@pytest.mark.engine
def test_load_reports_summary_and_bad_record(
    loading_workspace: tuple[Path, dict[str, str]],
) -> None:
    folder, env = loading_workspace
    good = book("DBI-1", "Truyện Kiều", author="Nguyễn Du").as_marc()
    # No field terminators at all: nothing to salvage (a lying length alone is repaired).
    broken = book("DBI-2", "Số đỏ").as_marc().replace(b"\x1e", b" ")
    (folder / "books.mrc").write_bytes(good + broken)
    result = mucluc("load", str(folder / "books.mrc"), "--library", "DBI", env=env)
    assert result.returncode == 3, result.stderr  # loaded, with problems
    assert "1 loaded" in result.stdout and "1 skipped" in result.stdout
    assert "records in 2 = 1 new + 0 updated + 0 unchanged + 0 deleted + 1 skipped" in \
        result.stdout
    assert "DBI-2" in result.stderr and "offset" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_file(workspace: tuple[Path, dict[str, str]]) -> None:
    folder, env = workspace
    result = mucluc("load", str(folder / "nowhere.mrc"), "--library", "DBI", env=env)
    assert_one_line_error(result, 1, "nowhere.mrc", "does not exist")


@pytest.mark.engine
def test_unreadable_file(loading_workspace: tuple[Path, dict[str, str]]) -> None:
    folder, env = loading_workspace
    target = folder / "books.mrc"
    write_marc(target, [book("DBI-1", "Truyện Kiều")])
    target.chmod(0)
    try:
        if os.access(target, os.R_OK):  # root reads anything: use a directory entry instead
            target.chmod(0o644)
            target = folder / "a-folder.mrc"
            target.mkdir()
        result = mucluc("load", str(target), "--library", "DBI", "--format", "marc", env=env)
    finally:
        if target.is_file():
            target.chmod(0o644)
    assert_one_line_error(result, 1, str(target.name))


def test_unknown_library(workspace: tuple[Path, dict[str, str]]) -> None:
    folder, env = workspace
    write_marc(folder / "books.mrc", [book("X-1", "Truyện Kiều")])
    result = mucluc("load", str(folder / "books.mrc"), "--library", "NOPE", env=env)
    assert_one_line_error(result, 2, "NOPE", "DBI")


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("[[library]\ncode=", ("not valid TOML",)),
        ('[[library]]\ncode = "A"\nname = "A"\nkind = "national"\n', ("kind", "national")),
        ("title = 'no libraries'\n", ("declares no libraries",)),
    ],
    ids=["broken-toml", "unknown-kind", "no-libraries"],
)
def test_bad_configuration(
    workspace: tuple[Path, dict[str, str]], content: str, words: tuple[str, ...]
) -> None:
    folder, env = workspace
    (folder / "mucluc.toml").write_text(content, encoding="utf-8")
    write_marc(folder / "books.mrc", [book("X-1", "Truyện Kiều")])
    result = mucluc("load", str(folder / "books.mrc"), "--library", "DBI", env=env)
    assert_one_line_error(result, 2, *words)


def test_missing_configuration(workspace: tuple[Path, dict[str, str]]) -> None:
    folder, env = workspace
    env = {**env, "MUCLUC_CONFIG": str(folder / "absent.toml")}
    result = mucluc("load", str(folder / "x.mrc"), "--library", "DBI", env=env)
    assert_one_line_error(result, 2, "absent.toml", "not found")


def test_unreachable_engine(workspace: tuple[Path, dict[str, str]]) -> None:
    folder, env = workspace
    write_marc(folder / "books.mrc", [book("X-1", "Truyện Kiều")])
    assert env["MUCLUC_OPENSEARCH_URL"] == NO_ENGINE
    result = mucluc("load", str(folder / "books.mrc"), "--library", "DBI", env=env)
    assert_one_line_error(result, 1, "127.0.0.1:9", "does not answer")


def test_no_node_running(workspace: tuple[Path, dict[str, str]]) -> None:
    folder, env = workspace
    write_marc(folder / "books.mrc", [book("X-1", "Truyện Kiều")])
    env = {**env, "MUCLUC_OPENSEARCH_URL": ""}
    result = mucluc("load", str(folder / "books.mrc"), "--library", "DBI", env=env)
    assert_one_line_error(result, 1, "no OpenSearch node", "mucluc opensearch start")
