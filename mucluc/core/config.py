"""``mucluc.toml``: the libraries of the union catalogue and their sources.

    [[library]]
    code = "DBI"
    name = "Thư viện tỉnh Điện Biên"
    kind = "provincial"            # provincial | district | school

    [[library]]
    code = "TGI"
    name = "Thư viện huyện Tuần Giáo"
    kind = "district"
    parent = "DBI"

      [[library.sources]]          # read by harvesters (see docs/configuration.md)
      protocol = "files"
      path = "inbox/TGI"

The file is found via ``--config``, else ``MUCLUC_CONFIG``, else ``./mucluc.toml``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mucluc.core import settings
from mucluc.core.errors import ConfigError
from mucluc.core.library import KINDS, Library


@dataclass(frozen=True)
class Config:
    path: Path
    libraries: dict[str, Library] = field(default_factory=dict)

    def library(self, code: str) -> Library:
        """The library with this code; ConfigError naming the known codes otherwise."""
        try:
            return self.libraries[code]
        except KeyError:
            known = ", ".join(sorted(self.libraries)) or "none"
            raise ConfigError(
                f"unknown library code {code!r} (known: {known})",
                hint=f"declare it in {self.path}",
            ) from None

    @property
    def base(self) -> Path:
        """Relative paths in the file are relative to the file's folder."""
        return self.path.parent


def config_path(explicit: str | Path | None = None) -> Path:
    return Path(explicit or settings.get("MUCLUC_CONFIG"))


def load_config(explicit: str | Path | None = None) -> Config:
    """Read and check the configuration file."""
    path = config_path(explicit)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"configuration file {path} not found",
            hint="create it (see docs/configuration.md) or pass --config / set MUCLUC_CONFIG",
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read configuration file {path}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc
    return parse_config(raw, path)


def parse_config(raw: dict[str, Any], path: Path) -> Config:
    entries = raw.get("library", [])
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"{path} declares no libraries", hint="add [[library]] tables")
    libraries: dict[str, Library] = {}
    for position, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise ConfigError(f"{path}: library #{position} is not a table")
        code = str(entry.get("code", "")).strip()
        name = str(entry.get("name", "")).strip()
        kind = str(entry.get("kind", "")).strip()
        if not code or not name:
            raise ConfigError(f"{path}: library #{position} needs both `code` and `name`")
        if kind not in KINDS:
            raise ConfigError(
                f"{path}: library {code} has kind {kind!r}; expected one of {', '.join(KINDS)}"
            )
        if code in libraries:
            raise ConfigError(f"{path}: library code {code} is declared twice")
        sources = entry.get("sources", [])
        if not isinstance(sources, list) or not all(isinstance(s, dict) for s in sources):
            raise ConfigError(f"{path}: library {code} has malformed `sources`")
        libraries[code] = Library(
            code=code,
            name=name,
            kind=kind,
            parent=str(entry.get("parent", "")).strip(),
            sources=tuple(sources),
        )
    for library in libraries.values():
        if library.parent and library.parent not in libraries:
            raise ConfigError(
                f"{path}: library {library.code} names unknown parent {library.parent!r}"
            )
    return Config(path=path, libraries=libraries)
