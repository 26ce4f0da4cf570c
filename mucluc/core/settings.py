"""Settings, declared once as data.

Each setting is an environment variable with a default and a help text. The README's table of
settings is checked against this table by a test, so the two cannot drift apart.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str

    def value(self) -> str:
        """The environment's value, else the default (``~`` expanded for paths)."""
        raw = os.environ.get(self.name, "").strip() or self.default
        return os.path.expanduser(raw) if raw.startswith("~") else raw


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "MUCLUC_CONFIG",
        "mucluc.toml",
        "Configuration file: libraries, their kind and their sources (`--config` overrides it).",
    ),
    Setting(
        "MUCLUC_OPENSEARCH_URL",
        "",
        "Use this existing OpenSearch cluster instead of the managed local node.",
    ),
    Setting(
        "MUCLUC_INDEX_PREFIX",
        "mucluc",
        "Prefix of every index and alias, to keep several catalogues apart on one cluster.",
    ),
    Setting(
        "MUCLUC_HOME",
        "~/.local/share/mucluc",
        "State of the managed node: installation, data, logs, and run reports.",
    ),
    Setting(
        "MUCLUC_CACHE",
        "~/.cache/mucluc",
        "Downloaded OpenSearch distribution (fetched once with mvn).",
    ),
    Setting(
        "MUCLUC_OPENSEARCH_HEAP",
        "512m",
        "Java heap of the managed node (keep it between 512m and 1g on small machines).",
    ),
    Setting(
        "MUCLUC_CORS_ORIGINS",
        "",
        "Origins (comma-separated, or *) of sites embedding the widget, allowed to call the API.",
    ),
    Setting(
        "MUCLUC_RATE_LIMIT",
        "10,40",
        "Requests per second and burst allowed to each client before the API answers 429.",
    ),
    Setting(
        "MUCLUC_TRUSTED_PROXIES",
        "",
        "Reverse proxies (addresses or networks, comma-separated) whose X-Forwarded-For / "
        "Forwarded headers name the client for rate limits; others' are ignored.",
    ),
    Setting(
        "MUCLUC_WORKERS",
        "",
        "Processes serving the API on one port (`--workers` overrides it); default: one per CPU.",
    ),
    Setting(
        "MUCLUC_JAVA_HOME",
        "",
        "JDK for the managed node; by default the newest JDK 21+ under /usr/lib/jvm.",
    ),
)

_BY_NAME = {setting.name: setting for setting in SETTINGS}


def get(name: str) -> str:
    """Current value of the setting ``name`` (a KeyError for an undeclared name is a bug)."""
    return _BY_NAME[name].value()


def path(name: str) -> Path:
    return Path(get(name))
