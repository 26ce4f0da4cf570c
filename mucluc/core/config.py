"""``mucluc.toml``: the libraries of the union catalogue and their sources, checked once.

    [[library]]
    code = "DBI"
    name = "Thư viện tỉnh Điện Biên"
    kind = "provincial"            # provincial | district | school

    [[library]]
    code = "TGI"
    name = "Thư viện huyện Tuần Giáo"
    kind = "district"
    parent = "DBI"

      [[library.sources]]          # see docs/harvesting.md
      protocol = "files"
      path = "inbox/TGI"

A source may give ``schedule`` (``"every 6h"``, ``"daily 02:30"``, ``"weekly mon 03:00"``; see
:mod:`mucluc.core.schedule`): `mucluc serve` then harvests it by itself.

A library may give ``record_url``, its own catalogue's page of one record with ``{record_id}``
where the record number goes; holdings then link to it.

The file is found via ``--config``, else ``MUCLUC_CONFIG``, else ``./mucluc.toml``.

Everything is validated here, when the file is loaded: libraries (code, name, kind, parent), and
every source (protocol, its keys and their types, ``url`` or ``path``, names unique across the
file). What callers may rely on: a :class:`Config` they hold is valid, so harvesters and commands
trust it. A mistake is a :class:`ConfigError` whose message starts ``FILE:LINE:`` and names the
key; ``path``, ``line`` and ``key`` are also attributes of the error.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from mucluc.core import schedule, settings
from mucluc.core.errors import ConfigError
from mucluc.core.library import KINDS, Library

LIBRARY_KEYS = frozenset({"code", "name", "kind", "parent", "sources", "record_url"})
PROTOCOLS = ("oai-pmh", "sru", "files")
_CREDENTIALS = ("username", "password", "password_env")
SOURCE_KEYS: dict[str, tuple[str, ...]] = {
    "oai-pmh": ("protocol", "name", "url", "metadata_prefix", "set", "from", "until",
                "pages_per_batch", "schedule", *_CREDENTIALS),
    "sru": ("protocol", "name", "url", "query", "version", "record_schema", "page_size",
            "schedule", *_CREDENTIALS),
    "files": ("protocol", "name", "path", "format", "schedule"),
}  # fmt: skip
REQUIRED_KEY = {"oai-pmh": "url", "sru": "url", "files": "path"}
_WHOLE_NUMBERS = ("page_size", "pages_per_batch")  # source keys whose value is a count
FILE_FORMATS = ("auto", "marc", "marcxml", "csv", "xlsx")
_URL = re.compile(r"^https?://\S+$")


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
    return Path(explicit) if explicit else settings.config_file()


def source_name(library: str, spec: Mapping[str, Any], index: int = 0) -> str:
    """The source's name (``name`` in the table, else ``<library>-<protocol>-<n>``): it names the
    checkpoint file and appears in reports, so it must stay stable between runs."""
    name = spec.get("name")
    if name:
        return str(name)
    return f"{library}-{spec.get('protocol', 'source')}-{index + 1}"


def load_config(explicit: str | Path | None = None) -> Config:
    """Read and check the configuration file."""
    path = config_path(explicit)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"configuration file {path} not found",
            hint="create it (see docs/configuration.md) or pass --config / set MUCLUC_CONFIG",
            path=path,
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read configuration file {path}: {exc}", path=path) from exc
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}", path=path) from exc
    return parse_config(raw, path, text)


class Lines:
    """Where tables and keys sit in the TOML text (tomllib gives no positions).

    Tables are found by their ``[[library]]`` / ``[[library.sources]]`` headers in order; a key
    by its ``key =`` line inside its table. Anything not found (inline tables, no text) is None,
    and the message then names the file and the key without a line.
    """

    _HEADER = re.compile(r"^\s*\[\[?\s*([^\]\s]+)\s*\]\]?\s*(#.*)?$")

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.headers = [
            (number, match.group(1))
            for number, line in enumerate(self.lines, start=1)
            if (match := self._HEADER.match(line))
        ]

    def library(self, index: int) -> int | None:
        found = [n for n, name in self.headers if name == "library"]
        return found[index] if index < len(found) else None

    def source(self, library_index: int, index: int) -> int | None:
        start = self.library(library_index)
        if start is None:
            return None
        end = self.library(library_index + 1) or len(self.lines) + 1
        found = [n for n, name in self.headers if name == "library.sources" and start < n < end]
        return found[index] if index < len(found) else None

    def key(self, table: int | None, key: str) -> int | None:
        """The line of ``key = …`` in the table whose header is on line ``table``."""
        if table is None:
            return None
        pattern = re.compile(rf"^\s*(?:{re.escape(key)}|\"{re.escape(key)}\")\s*=")
        for number in range(table + 1, len(self.lines) + 1):
            line = self.lines[number - 1]
            if self._HEADER.match(line):
                break
            if pattern.match(line):
                return number
        return table


class _Checker:
    """Raises the first mistake as ConfigError(``FILE:LINE: where, key `k`: problem``)."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = Lines(text)

    def fail(
        self, line: int | None, where: str, key: str, problem: str, hint: str = ""
    ) -> NoReturn:
        place = f"{self.path}:{line}" if line else f"{self.path}"
        subject = f"{where}, key `{key}`" if key else where
        raise ConfigError(
            f"{place}: {subject}: {problem}", hint=hint, path=self.path, line=line, key=key
        )

    def text(self, table: dict[str, Any], key: str, line: int | None, where: str) -> str:
        value = table.get(key, "")
        if not isinstance(value, str):
            self.fail(self.lines.key(line, key), where, key, f"{value!r} is not a string")
        return value.strip()


def parse_config(raw: dict[str, Any], path: Path, text: str = "") -> Config:
    """Check ``raw`` (the parsed TOML of ``path``; ``text`` locates mistakes) and build a Config."""
    check = _Checker(path, text)
    entries = raw.get("library", [])
    if not isinstance(entries, list) or not entries:
        check.fail(None, "top level", "library", "the file declares no libraries",
                   hint="add [[library]] tables")
    unknown = sorted(set(raw) - {"library"})
    if unknown:
        check.fail(None, "top level", unknown[0], "unknown table or key",
                   hint="the file holds [[library]] tables")
    libraries: dict[str, Library] = {}
    names: dict[str, str] = {}
    for position, entry in enumerate(entries):
        line = check.lines.library(position)
        where = f"library #{position + 1}"
        if not isinstance(entry, dict):
            check.fail(line, where, "", "is not a table")
        library = _library(check, entry, line, where, libraries)
        for index, spec in enumerate(library.sources):
            source_line = check.lines.source(position, index)
            name = _source(check, library.code, spec, index, source_line)
            if name in names:
                check.fail(
                    check.lines.key(source_line, "name"), f"library {library.code}", "name",
                    f"source name {name!r} is already used by library {names[name]}",
                    hint="give each source a distinct `name`: it names its checkpoint",
                )
            names[name] = library.code
        libraries[library.code] = library
    for position, library in enumerate(libraries.values()):
        if library.parent and library.parent not in libraries:
            line = check.lines.key(check.lines.library(position), "parent")
            check.fail(line, f"library {library.code}", "parent",
                       f"unknown parent {library.parent!r}")
    return Config(path=path, libraries=libraries)


def _library(
    check: _Checker, entry: dict[str, Any], line: int | None, where: str,
    seen: Mapping[str, Library],
) -> Library:
    for key in sorted(set(entry) - LIBRARY_KEYS):
        check.fail(check.lines.key(line, key), where, key, "unknown key",
                   hint=f"known: {', '.join(sorted(LIBRARY_KEYS))}")
    code = check.text(entry, "code", line, where)
    if not code:
        check.fail(line, where, "code", "missing: every library needs a `code` and a `name`")
    where = f"library {code}"
    if code in seen:
        check.fail(check.lines.key(line, "code"), where, "code", "declared twice")
    name = check.text(entry, "name", line, where)
    if not name:
        check.fail(line, where, "name", "missing: every library needs a `code` and a `name`")
    kind = check.text(entry, "kind", line, where)
    if kind not in KINDS:
        check.fail(check.lines.key(line, "kind") if kind else line, where, "kind",
                   f"{kind!r} is not one of {', '.join(KINDS)}")
    parent = check.text(entry, "parent", line, where)
    sources = entry.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(s, dict) for s in sources):
        check.fail(check.lines.key(line, "sources"), where, "sources",
                   "must be [[library.sources]] tables")
    record_url = check.text(entry, "record_url", line, where)
    if record_url and (not _URL.match(record_url) or "{record_id}" not in record_url):
        check.fail(check.lines.key(line, "record_url"), where, "record_url",
                   f"{record_url!r} is not an http(s) URL with {{record_id}} in it",
                   hint='e.g. "https://opac.example/cgi-bin/koha/opac-detail.pl?'
                   'biblionumber={record_id}"')
    return Library(code=code, name=name, kind=kind, parent=parent, sources=tuple(sources),
                   record_url=record_url)


def _source(
    check: _Checker, library: str, spec: dict[str, Any], index: int, line: int | None
) -> str:
    """Check one source table; its name."""
    where = f"library {library}, source #{index + 1}"
    protocol = spec.get("protocol", "")
    if protocol not in PROTOCOLS:
        check.fail(check.lines.key(line, "protocol") if protocol else line, where, "protocol",
                   f"{protocol!r} is not one of {', '.join(PROTOCOLS)}")
    name = source_name(library, spec, index)
    where = f"library {library}, source {name}"
    known = SOURCE_KEYS[protocol]
    for key in sorted(set(spec) - set(known)):
        check.fail(check.lines.key(line, key), where, key, f"unknown key for {protocol}",
                   hint=f"known: {', '.join(sorted(known))}")
    for key in known:
        if key not in _WHOLE_NUMBERS and key in spec and not isinstance(spec[key], str):
            check.fail(check.lines.key(line, key), where, key, f"{spec[key]!r} is not a string",
                       hint="write it in quotes, e.g. from = \"2025-01-01\"")
    required = REQUIRED_KEY[protocol]
    if not str(spec.get(required, "")).strip():
        check.fail(line, where, required, f"missing: {protocol} needs `{required}`")
    if required == "url" and not _URL.match(spec["url"]):
        check.fail(check.lines.key(line, "url"), where, "url",
                   f"{spec['url']!r} is not an http:// or https:// URL")
    for key in _WHOLE_NUMBERS:
        size = spec.get(key, 1)
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            check.fail(check.lines.key(line, key), where, key,
                       f"{size!r} is not a positive whole number")
    if "schedule" in spec:
        try:
            schedule.parse(spec["schedule"])
        except ValueError as exc:
            check.fail(check.lines.key(line, "schedule"), where, "schedule", str(exc),
                       hint='e.g. schedule = "daily 02:30" (Vietnam time) or "every 6h"')
    if spec.get("format", "auto") not in FILE_FORMATS:
        check.fail(check.lines.key(line, "format"), where, "format",
                   f"{spec['format']!r} is not one of {', '.join(FILE_FORMATS)}")
    return name
