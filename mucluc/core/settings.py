"""Settings, declared once as data.

Each setting is an environment variable with a default, a help text and a parse function. The
README's table of settings is checked against this table by a test, so the two cannot drift
apart. This module is the only reader of ``MUCLUC_*`` variables: everything else calls the typed
accessors below (or :func:`get` for the text), and a bad value is a :class:`ConfigError` naming
the variable, raised where the setting is first used.

Values are read when asked for, never at import time, so a test or a command may set the
environment before it calls an accessor.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mucluc.core.setting_values import (
    Parser,
    as_days,
    as_heap_size,
    as_index_prefix,
    as_optional_path,
    as_origins,
    as_path,
    as_port,
    as_rate_and_burst,
    as_replicas,
    as_repository_id,
    as_seconds,
    as_switch,
    as_text,
    as_urls,
    as_workers,
)


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str
    parse: Parser = as_text

    def raw(self) -> str:
        """The environment's text (stripped), else the default."""
        return os.environ.get(self.name, "").strip() or self.default

    def is_set(self) -> bool:
        """Whether the environment gives a value (an empty one counts as unset)."""
        return bool(os.environ.get(self.name, "").strip())

    def value(self) -> Any:
        """The parsed value; ConfigError naming the variable when the text is bad."""
        return self.parse(self.name, self.raw())


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "MUCLUC_CONFIG",
        "mucluc.toml",
        "Configuration file: libraries, their kind and their sources (`--config` overrides it).",
        as_path,
    ),
    Setting(
        "MUCLUC_OPENSEARCH_URL",
        "",
        "Use this existing OpenSearch cluster (one node, or several comma-separated) instead of "
        "the managed local node.",
        as_urls,
    ),
    Setting(
        "MUCLUC_INDEX_PREFIX",
        "mucluc",
        "Prefix of every index and alias, to keep several catalogues apart on one cluster.",
        as_index_prefix,
    ),
    Setting(
        "MUCLUC_HOME",
        "~/.local/share/mucluc",
        "State of the managed node: installation, data, logs, and run reports.",
        as_path,
    ),
    Setting(
        "MUCLUC_CACHE",
        "~/.cache/mucluc",
        "Downloaded OpenSearch distribution (fetched once with mvn).",
        as_path,
    ),
    Setting(
        "MUCLUC_OPENSEARCH_HEAP",
        "512m",
        "Java heap of the managed node (keep it between 512m and 1g on small machines).",
        as_heap_size,
    ),
    Setting(
        "MUCLUC_REPLICAS",
        "",
        "Replicas of every index; default: chosen from the data nodes (0 on one node, 1 on more).",
        as_replicas,
    ),
    Setting(
        "MUCLUC_BACKUP_DIR",
        "",
        "Snapshot repository (a folder every node can write); default: backups under MUCLUC_HOME.",
        as_optional_path,
    ),
    Setting(
        "MUCLUC_CORS_ORIGINS",
        "",
        "Origins (comma-separated, or *) of sites embedding the widget, allowed to call the API.",
        as_origins,
    ),
    Setting(
        "MUCLUC_RATE_LIMIT",
        "10,40",
        "Requests per second and burst allowed to each client before the API answers 429.",
        as_rate_and_burst,
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
        as_workers,
    ),
    Setting(
        "MUCLUC_OAI_REPOSITORY_ID",
        "mucluc.local",
        "OAI-PMH repository identifier: records are `oai:<it>:<union id>`; keep it stable.",
        as_repository_id,
    ),
    Setting(
        "MUCLUC_OAI_SECRET",
        "",
        "Secret mixed with the index prefix to sign OAI-PMH resumption tokens (same on every "
        "worker; changing it expires the tokens in flight).",
    ),
    Setting(
        "MUCLUC_OAI_ADMIN_EMAIL",
        "admin@mucluc.local",
        "The OAI-PMH repository's administrator address, shown by `Identify`.",
    ),
    Setting(
        "MUCLUC_JAVA_HOME",
        "",
        "JDK for the managed node; by default the newest JDK 21+ under /usr/lib/jvm.",
        as_optional_path,
    ),
    Setting(
        "MUCLUC_Z3950_PORT",
        "2100",
        "Port of the Z39.50 gateway started by `mucluc z3950 start` (`--port` overrides it).",
        as_port,
    ),
    Setting(
        "MUCLUC_Z3950_SRU_URL",
        "http://127.0.0.1:8080/sru",
        "The SRU server the Z39.50 gateway fronts (the API's `/sru`).",
    ),
    Setting(
        "MUCLUC_STATS_RETENTION_DAYS",
        "400",
        "Days the search statistics (daily counters of normalised queries, no reader data) are "
        "kept; older days are deleted.",
        as_days,
    ),
    Setting(
        "MUCLUC_STATS_FLUSH_SECONDS",
        "300",
        "How often each API worker writes its in-memory search counters to the engine (and "
        "when it stops).",
        as_seconds,
    ),
    Setting(
        "MUCLUC_HARVEST_RETRY_SECONDS",
        "2",
        "First wait before a failed harvest request (OAI-PMH, SRU) is tried again; it doubles "
        "with each retry (at most 60 s, 5 attempts in all).",
        as_seconds,
    ),
    Setting(
        "MUCLUC_SCHEDULER",
        "on",
        "Whether `mucluc serve` runs the harvest schedules of `mucluc.toml` (on or off).",
        as_switch,
    ),
)

_BY_NAME = {setting.name: setting for setting in SETTINGS}


def get(name: str) -> str:
    """The setting's text (environment, else default), checked by its parse function."""
    declared = _BY_NAME[name]
    declared.value()
    raw = declared.raw()
    return os.path.expanduser(raw) if raw.startswith("~") else raw


def value(name: str) -> Any:
    """The setting's parsed value (prefer the typed accessors below)."""
    return _BY_NAME[name].value()


def is_set(name: str) -> bool:
    return _BY_NAME[name].is_set()


# Typed accessors: what the rest of the project calls.


def config_file() -> Path:
    return value("MUCLUC_CONFIG")


def opensearch_urls() -> tuple[str, ...]:
    """The external cluster's nodes; empty when the managed local node is used."""
    return value("MUCLUC_OPENSEARCH_URL")


def index_prefix() -> str:
    return value("MUCLUC_INDEX_PREFIX")


def running_as_root() -> bool:
    return os.geteuid() == 0


def home() -> Path:
    """MUCLUC_HOME; as root and unset, /var/lib/mucluc (the node's unprivileged user cannot
    reach root's home)."""
    if running_as_root() and not is_set("MUCLUC_HOME"):
        return Path("/var/lib/mucluc")
    return value("MUCLUC_HOME")


def cache() -> Path:
    """MUCLUC_CACHE; as root and unset, /var/cache/mucluc (see :func:`home`)."""
    if running_as_root() and not is_set("MUCLUC_CACHE"):
        return Path("/var/cache/mucluc")
    return value("MUCLUC_CACHE")


def opensearch_heap() -> str:
    return value("MUCLUC_OPENSEARCH_HEAP")


def replicas() -> int | None:
    """MUCLUC_REPLICAS, or None to let the engine follow the number of data nodes."""
    return value("MUCLUC_REPLICAS")


def backup_dir() -> Path:
    """MUCLUC_BACKUP_DIR, else ``backups`` under :func:`home`."""
    return value("MUCLUC_BACKUP_DIR") or home() / "backups"


def cors_origins() -> tuple[str, ...]:
    return value("MUCLUC_CORS_ORIGINS")


def rate_limit() -> tuple[float, float]:
    """(requests per second, burst) of each API client."""
    return value("MUCLUC_RATE_LIMIT")


def workers() -> int | None:
    """MUCLUC_WORKERS, or None for one process per CPU."""
    return value("MUCLUC_WORKERS")


def java_home() -> Path | None:
    return value("MUCLUC_JAVA_HOME")


def oai_repository_id() -> str:
    return value("MUCLUC_OAI_REPOSITORY_ID")


def oai_secret() -> str:
    return get("MUCLUC_OAI_SECRET")


def oai_admin_email() -> str:
    return get("MUCLUC_OAI_ADMIN_EMAIL")


def z3950_port() -> int:
    return value("MUCLUC_Z3950_PORT")


def z3950_sru_url() -> str:
    return value("MUCLUC_Z3950_SRU_URL")


def stats_retention_days() -> int:
    return value("MUCLUC_STATS_RETENTION_DAYS")


def stats_flush_seconds() -> float:
    return value("MUCLUC_STATS_FLUSH_SECONDS")


def scheduler_enabled() -> bool:
    return value("MUCLUC_SCHEDULER")


def harvest_retry_seconds() -> float:
    return value("MUCLUC_HARVEST_RETRY_SECONDS")
