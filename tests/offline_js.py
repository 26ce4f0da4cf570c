"""Running the offline page's search code (``searchapi/offline/static``) in node, for the tests
of its pieces, and reading the index's delta-coded posting lists."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from searchapi.offline.assets import static_text, tables_js


def run_search_js(runner: str, payload: Any, tmp_path: Path) -> Any:
    """The JSON ``runner`` writes after the page's tables, normaliser and search are loaded in
    node, given ``payload`` as JSON on its standard input."""
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        pytest.fail("node is missing: apt-get install -y nodejs (make setup-test installs it)")
    script = tmp_path / "run.js"
    script.write_text(
        tables_js() + static_text("vietnamese.js") + static_text("search.js") + runner,
        encoding="utf-8",
    )
    result = subprocess.run(
        [node, str(script)], input=json.dumps(payload), capture_output=True, text=True,
        timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def decoded(deltas: list[int]) -> list[int]:
    """A posting list as written (each code the difference from the one before) → the codes."""
    out, at = [], 0
    for delta in deltas:
        at += delta
        out.append(at)
    return out
