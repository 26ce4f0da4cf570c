"""How a setting's text becomes its value: one parse function per kind of value.

Each ``as_*`` function takes the variable's name and its text and returns the value, or raises a
:class:`ConfigError` naming the variable. :mod:`mucluc.core.settings` declares which setting uses
which; this module knows nothing of the settings themselves.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mucluc.core.errors import ConfigError

Parser = Callable[[str, str], Any]
"""``parse(name, text) -> value``; raises ConfigError naming ``name`` for a bad ``text``."""


def as_text(_name: str, raw: str) -> str:
    return raw


def as_path(name: str, raw: str) -> Path:
    if "\x00" in raw:
        raise ConfigError(f"{name}={raw!r}: a path cannot contain a NUL character")
    return Path(os.path.expanduser(raw))


def as_optional_path(name: str, raw: str) -> Path | None:
    return as_path(name, raw) if raw else None


_URL = re.compile(r"^https?://[^\s/,]+(/[^\s,]*)?$")


def as_urls(name: str, raw: str) -> tuple[str, ...]:
    """Comma-separated ``http(s)://host:port`` URLs (trailing slashes dropped); empty: none."""
    found = tuple(part.strip().rstrip("/") for part in raw.split(",") if part.strip())
    for url in found:
        if not _URL.match(url):
            raise ConfigError(
                f"{name}={raw!r}: {url!r} is not an http:// or https:// URL",
                hint="for example http://127.0.0.1:9200 (several nodes: comma-separated)",
            )
    return found


_INDEX_PREFIX = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def as_index_prefix(name: str, raw: str) -> str:
    """OpenSearch index names are lowercase, without spaces, and start with a letter or digit."""
    if not _INDEX_PREFIX.match(raw):
        raise ConfigError(
            f"{name}={raw!r} cannot start an index name",
            hint="use lowercase letters, digits, '-' and '_', for example mucluc-test",
        )
    return raw


_HEAP = re.compile(r"^[1-9]\d*[kmgKMG]$")


def as_heap_size(name: str, raw: str) -> str:
    """A Java heap size as ``-Xmx`` takes it: ``512m``, ``1g``."""
    if not _HEAP.match(raw):
        raise ConfigError(f"{name}={raw!r} is not a heap size", hint="for example 512m or 1g")
    return raw


def as_origins(name: str, raw: str) -> tuple[str, ...]:
    """``*`` or comma-separated web origins (``https://thuvien.example.vn``)."""
    found = tuple(part.strip().rstrip("/") for part in raw.split(",") if part.strip())
    for origin in found:
        if origin != "*" and not _URL.match(origin):
            raise ConfigError(
                f"{name}={raw!r}: {origin!r} is not a web origin",
                hint="for example https://thuvien.dienbien.gov.vn, or * for any site",
            )
    return found


def as_rate_and_burst(name: str, raw: str) -> tuple[float, float]:
    """``rate,burst``: requests per second (> 0) and burst (≥ 1), e.g. ``10,40``."""
    try:
        rate, burst = (float(part) for part in raw.split(","))
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not 'rate,burst'", hint="for example 10,40") from None
    if not (rate > 0 and burst >= 1):  # also refuses nan
        raise ConfigError(f"{name}={raw!r}: rate must be > 0 and burst ≥ 1")
    return rate, burst


_REPOSITORY_ID = re.compile(r"^[a-zA-Z][a-zA-Z0-9-]*(\.[a-zA-Z][a-zA-Z0-9-]*)+$")


def as_repository_id(name: str, raw: str) -> str:
    """An OAI repository identifier: a domain-like name (``oai:<it>:<id>`` identifiers)."""
    if not _REPOSITORY_ID.match(raw):
        raise ConfigError(
            f"{name}={raw!r} is not a repository identifier",
            hint="a domain-like name such as thuvien.dienbien.gov.vn (letters, digits, '-', dots)",
        )
    return raw


def as_workers(name: str, raw: str) -> int | None:
    """A number of API processes, 1 to 64; empty: one per CPU (decided by the server)."""
    if not raw:
        return None
    try:
        count = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number", hint="for example 2") from None
    if not 1 <= count <= 64:
        raise ConfigError(f"{name}={raw!r}: use between 1 and 64 workers")
    return count


def as_replicas(name: str, raw: str) -> int | None:
    """Replicas of every index, 0 to 5; empty: chosen from the data nodes (0 on one, 1 on more)."""
    if not raw:
        return None
    try:
        count = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number", hint="for example 1") from None
    if not 0 <= count <= 5:
        raise ConfigError(f"{name}={raw!r}: use between 0 and 5 replicas")
    return count


def as_port(name: str, raw: str) -> int:
    """A TCP port, 1 to 65535."""
    try:
        port = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a port number", hint="for example 2100") from None
    if not 1 <= port <= 65535:
        raise ConfigError(f"{name}={raw!r}: a port is between 1 and 65535")
    return port


def as_days(name: str, raw: str) -> int:
    """A number of days, 1 to 3660 (ten years)."""
    try:
        days = int(raw)
    except ValueError:
        raise ConfigError(
            f"{name}={raw!r} is not a number of days", hint="for example 365"
        ) from None
    if not 1 <= days <= 3660:
        raise ConfigError(f"{name}={raw!r}: use between 1 and 3660 days")
    return days


def as_seconds(name: str, raw: str) -> float:
    """A number of seconds, 0.05 to 86400."""
    try:
        seconds = float(raw)
    except ValueError:
        raise ConfigError(
            f"{name}={raw!r} is not a number of seconds", hint="for example 30"
        ) from None
    if not 0.05 <= seconds <= 86400:  # also refuses nan
        raise ConfigError(f"{name}={raw!r}: use between 0.05 and 86400 seconds")
    return seconds


def as_switch(name: str, raw: str) -> bool:
    """``on`` or ``off``."""
    if raw.lower() not in {"on", "off"}:
        raise ConfigError(f"{name}={raw!r} is neither on nor off")
    return raw.lower() == "on"
