"""Helpers for the intake tests: load a path in-process against the session's real node and
read back what the raw store holds; build the files schools and districts really send."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from opensearchpy import AsyncOpenSearch

from analyzers.tables import tcvn3
from harvesters.reports import RunReport
from indexer.store import alias
from mucluc.cli.load import load_path
from mucluc.core.config import load_config

LIBRARIES = {
    "THMP": ("Thư viện Trường THCS Mường Phăng", "school"),
    "THNB": ("Thư viện Trường TH Na Ư", "school"),
    "MCH": ("Thư viện huyện Mường Chà", "district"),
    "ACC": ("Thư viện thử nghiệm", "district"),
}


def configure(folder: Path, monkeypatch: pytest.MonkeyPatch, url: str, prefix: str) -> Path:
    """A configuration with the test libraries, and the environment pointing at the node."""
    text = "".join(f'[[library]]\ncode = "{code}"\nname = "{name}"\nkind = "{kind}"\n\n'
                   for code, (name, kind) in LIBRARIES.items())
    path = folder / "mucluc.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("MUCLUC_OPENSEARCH_URL", url)
    monkeypatch.setenv("MUCLUC_INDEX_PREFIX", prefix)
    monkeypatch.setenv("MUCLUC_HOME", str(folder / "home"))
    return path


async def load(config: Path, code: str, path: Path, *, withdraw: bool = True) -> RunReport:
    report = RunReport(library=code, source=str(path))
    await load_path(load_config(config), code, path, "auto", report, withdraw=withdraw)
    assert report.balanced, report.balance()
    return report


async def stored(engine: AsyncOpenSearch, prefix: str, library: str, *,
                 only_ids: bool = False) -> dict[str, dict[str, Any]]:
    """local id → raw-store document of every record of ``library``; with ``only_ids``, each
    document holds its ``local_id`` alone (a record with 999 copies is 999 fields of 852 to
    send and decode, for a test that only asks which records are there)."""
    index = alias(prefix, "records")
    await engine.indices.refresh(index=index)
    found: dict[str, dict[str, Any]] = {}
    body: dict[str, Any] = {"query": {"term": {"library": library}}, "size": 1000,
                            "sort": [{"local_id": "asc"}]}
    if only_ids:
        body["_source"] = ["local_id"]
    while True:
        hits = (await engine.search(index=index, body=body))["hits"]["hits"]
        for hit in hits:
            found[hit["_source"]["local_id"]] = hit["_source"]
        if len(hits) < 1000:
            return found
        body["search_after"] = hits[-1]["sort"]


def subfield(document: dict[str, Any], tag: str, code: str) -> str:
    """The first ``tag $code`` of a stored record's MARC ("" if absent)."""
    for entry in document["marc"]["fields"]:
        if tag in entry and isinstance(entry[tag], dict):
            for sub in entry[tag]["subfields"]:
                if code in sub:
                    return str(sub[code])
    return ""


def workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


_TCVN3 = {char: byte for byte, char in tcvn3.DECODE.items()}


def tcvn3_bytes(text: str) -> bytes:
    """Vietnamese text as an old TCVN3 (ABC) system stores it: one byte per letter."""
    return bytes(_TCVN3[c] if ord(c) >= 0x80 else ord(c)
                 for c in unicodedata.normalize("NFC", text))
