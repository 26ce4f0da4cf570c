"""Pieces shared by commands: the engine, the configuration path, the reports folder."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from indexer import engine
from indexer.node import default_home


def run(coroutine: Coroutine[Any, Any, int]) -> int:
    """Run an async command body."""
    return asyncio.run(coroutine)


def config_path(args: argparse.Namespace) -> Path | None:
    return Path(args.config) if args.config else None


def engine_url() -> str:
    return engine.engine_url()


def reports_directory() -> Path:
    directory = default_home() / "reports"
    directory.mkdir(parents=True, exist_ok=True)
    return directory
