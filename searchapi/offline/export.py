"""``mucluc export offline``: the union catalogue (or some libraries of it) as a static site.

The site searches in the reader's browser with no server and nothing fetched from elsewhere: it
opens from a USB stick (``file://``) and from any static web server, where it is an installable
progressive web app that keeps working offline after the first visit. See docs/offline.md.

Books are read through the store's paginator (every one, no size cap); the index is built by
:mod:`searchapi.offline.index`. What callers may rely on: a summary that counts what was written;
an existing folder is only written over when it holds an earlier export.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from indexer.store import Store
from mucluc.core.errors import MuclucError
from mucluc.core.library import Library
from searchapi.offline.assets import (
    ICON_SIZES,
    ICON_SVG,
    STATIC_FILES,
    icon_png,
    manifest,
    static_text,
    tables_js,
)
from searchapi.offline.index import RECORDS_PER_SHARD, build_index

__all__ = ["ExportError", "ExportSummary", "export_offline", "write_site"]

MARKER = "catalogue.js"  # present in every export: a folder holding it may be written over
SOURCE_FIELDS = (
    "id", "title", "subtitle", "authors", "series", "subjects", "publisher", "display",
    "holdings", "title_sort", "members",
)  # fmt: skip
DEFAULT_TITLE = "Mục lục — thư viện lưu động"
Progress = Callable[[int], None]


class ExportError(MuclucError):
    """The export cannot be written (``out`` names the folder)."""

    def __init__(self, message: str, *, out: Path, hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.out = out


@dataclass(frozen=True)
class ExportSummary:
    """What one export wrote."""

    out: Path
    books: int
    libraries: int
    files: int
    bytes: int
    gzip_bytes: int
    seconds: float

    def line(self) -> str:
        return (
            f"Wrote {self.books:,} books of {self.libraries} libraries to {self.out}: "
            f"{self.files} files, {self.bytes / 1e6:.1f} MB ({self.gzip_bytes / 1e6:.1f} MB "
            f"compressed) in {self.seconds:.1f} s"
        )


def _script(call: str, *args: Any) -> str:
    body = ",".join(json.dumps(a, ensure_ascii=False, separators=(",", ":")) for a in args)
    return f"MuclucOffline.{call}({body});\n"


def _prepare(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out} is a file, not a folder", out=out, hint="choose a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise ExportError(
            f"{out} is not empty and holds no earlier offline export", out=out,
            hint="choose an empty or new folder",
        )
    out.mkdir(parents=True, exist_ok=True)
    for old in [*out.glob("rec-*.js"), *out.glob("ix-*.js")]:
        old.unlink()


def _index_html(title: str) -> str:
    return static_text("index.html").replace("__TITLE__", html.escape(title))


def write_site(
    documents: Iterable[Mapping[str, Any]],
    out: Path,
    *,
    libraries: Mapping[str, Library] | None = None,
    title: str = DEFAULT_TITLE,
) -> ExportSummary:
    """Write the offline site for ``documents`` (union documents) into the folder ``out``."""
    started = time.perf_counter()
    _prepare(out)
    names = {code: (lib.name, lib.kind) for code, lib in (libraries or {}).items()}
    built = build_index(documents, names)
    files: dict[str, bytes] = {}
    for start in range(0, len(built.records), RECORDS_PER_SHARD):
        number = start // RECORDS_PER_SHARD
        rows = built.records[start : start + RECORDS_PER_SHARD]
        files[f"rec-{number:04d}.js"] = _script("records", number, rows).encode()
    for shard, content in sorted(built.shards.items()):
        files[f"ix-{shard}.js"] = _script("index", shard, content).encode()
    catalogue = {
        "title": title,
        "built": time.strftime("%Y-%m-%d", time.gmtime()),
        "books": len(built.records),
        "perShard": RECORDS_PER_SHARD,
        "shards": sorted(built.shards),
        "libraries": built.libraries,
        "heldBy": built.held_by,
    }
    files[MARKER] = _script("catalogue", catalogue).encode()
    files["tables.js"] = tables_js().encode()
    for name in STATIC_FILES:
        files[name] = static_text(name).encode()
    files["index.html"] = _index_html(title).encode()
    files["manifest.webmanifest"] = json.dumps(
        manifest(title, "Mục lục"), ensure_ascii=False, indent=1
    ).encode()
    files["icon.svg"] = ICON_SVG.encode()
    for size in ICON_SIZES:
        files[f"icon-{size}.png"] = icon_png(size)
    version = hashlib.sha256(b"".join(files[n] for n in sorted(files))).hexdigest()[:16]
    cached = sorted(files)
    files["sw.js"] = (
        static_text("sw.js")
        .replace("__VERSION__", version)
        .replace("__FILES__", json.dumps(cached))
        .encode()
    )
    size = compressed = 0
    for name, data in files.items():
        (out / name).write_bytes(data)
        size += len(data)
        compressed += len(gzip.compress(data, compresslevel=9, mtime=0))
    return ExportSummary(
        out=out, books=len(built.records), libraries=len(built.libraries), files=len(files),
        bytes=size, gzip_bytes=compressed, seconds=time.perf_counter() - started,
    )


def selection(codes: Sequence[str] = (), kinds: Sequence[str] = ()) -> dict[str, Any]:
    """The union documents held by any of ``codes`` or any library of ``kinds`` (all if none)."""
    should: list[dict[str, Any]] = []
    if codes:
        should.append({"terms": {"libraries": sorted(set(codes))}})
    if kinds:
        should.append({"terms": {"library_kinds": sorted(set(kinds))}})
    if not should:
        return {"match_all": {}}
    return {"bool": {"should": should, "minimum_should_match": 1}}


async def export_offline(
    store: Store,
    out: Path,
    *,
    libraries: Mapping[str, Library],
    codes: Sequence[str] = (),
    kinds: Sequence[str] = (),
    title: str = DEFAULT_TITLE,
    progress: Progress | None = None,
) -> ExportSummary:
    """Read the selected books through the store and write the site (see :func:`write_site`).

    A book is selected when a selected library holds it; it keeps all its holdings, as a search
    filtered by library does in the API.
    """
    documents: list[dict[str, Any]] = []
    async for hits in store.scan(
        "union", selection(codes, kinds), source=list(SOURCE_FIELDS),
        doing="reading the union catalogue for the offline export",
    ):
        documents += [{**hit["_source"], "id": hit["_id"]} for hit in hits]
        if progress is not None:
            progress(len(documents))
    return write_site(documents, out, libraries=libraries, title=title)
