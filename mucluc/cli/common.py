"""Pieces shared by commands: running async bodies, the configuration path, the reports
folder."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from indexer.node import default_home


def run(coroutine: Coroutine[Any, Any, int]) -> int:
    """Run an async command body."""
    return asyncio.run(coroutine)


def config_path(args: argparse.Namespace) -> Path | None:
    return Path(args.config) if args.config else None


def reports_directory() -> Path:
    directory = default_home() / "reports"
    directory.mkdir(parents=True, exist_ok=True)
    return directory
