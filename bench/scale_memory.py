"""Peak memory of a load's streaming path at 10 k, 100 k and 1 M records (issue 16: flat).

Each size runs in a fresh process (``VmHWM`` is the process's own peak), after a warm-up of
1,000 records (imports, lazy tables, caches); no engine. The file is ISO 2709: 10,000 records of
:func:`mucluc.demo.generate.generate_records`, repeated with new 001s (``<001>.<copy>``) up to
the size, so writing a 1 M-record file takes seconds, not minutes. Two paths:

- **read + map + batch**: :func:`harvesters.files.read_path` (framing, decoding, legacy repair,
  duplicate table) in batches of 1,000 counted into a ``RunReport`` as the Loader does, each
  batch mapped by :func:`indexer.source_documents.prepare` (the raw-store documents the Loader
  stores) and dropped. What the Loader holds beyond this is bounded by its batches (two read
  ahead); the engine load's own peak at 10 k / 100 k is ``bench scale``'s column. 10 k and
  100 k records (≈ 1 ms a record quiet: 1 M would take ~20 minutes; set
  ``MUCLUC_BENCH_MEMORY_MAPPED_MAX=1000000`` for it). ``MUCLUC_BENCH_MEMORY_SIZES`` changes the
  sizes (default ``10000,100000,1000000``).
- **read + batch, decoding skipped** (an unchanged reload): the same, with
  :data:`harvesters.unchanged.KNOWN` answering from an on-disk SQLite table of (001, raw hash)
  standing in for the raw store's ``mget``; every record is framed, hashed, looked up, counted
  and batched, none decoded. 10 k, 100 k and 1 M records.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.common import table, write_results

SIZES = tuple(int(n) for n in os.environ.get(
    "MUCLUC_BENCH_MEMORY_SIZES", "10000,100000,1000000").split(","))
MAPPED_MAX = int(os.environ.get("MUCLUC_BENCH_MEMORY_MAPPED_MAX", "100000"))
BASE = 10_000
BATCH = 1000
REPO = Path(__file__).resolve().parents[1]


def with_control_number(record: bytes, value: bytes) -> bytes:
    """An ISO 2709 record with its 001 replaced by ``value`` (directory and lengths fixed)."""
    base = int(record[12:17])
    directory = record[24 : base - 1]
    entries = [directory[i : i + 12] for i in range(0, len(directory), 12)]
    fields = record[base:-1]
    out_entries, out_fields, where = [], [], 0
    for entry in entries:
        length, start = int(entry[3:7]), int(entry[7:12])
        data = fields[start : start + length]
        if entry[:3] == b"001":
            data = value + b"\x1e"
        out_entries.append(entry[:3] + b"%04d%05d" % (len(data), where))
        out_fields.append(data)
        where += len(data)
    body = b"".join(out_entries) + b"\x1e" + b"".join(out_fields) + b"\x1d"
    return b"%05d" % (24 + len(body)) + record[5:12] + b"%05d" % (25 + len(b"".join(
        out_entries))) + record[17:24] + body


def write_file(path: Path, n: int, hashes: Path) -> None:
    """``n`` records to ``path``; their (001, raw hash) into the SQLite file ``hashes``."""
    from harvesters.unchanged import raw_hash
    from mucluc.demo.generate import generate_records

    base = [record.as_marc() for record in generate_records(min(n, BASE))]
    ids = [record[int(record[12:17]) :].split(b"\x1e", 1)[0] for record in base]
    with sqlite3.connect(hashes) as db:
        db.execute("create table stored (id text primary key, raw_hash text)")
        with path.open("wb") as out:
            copy = 0
            while copy * len(base) < n:
                rows = []
                for record, control in zip(base[: n - copy * len(base)], ids, strict=False):
                    if copy:
                        control = control + b".%d" % copy
                        record = with_control_number(record, control)
                    out.write(record)
                    rows.append((control.decode("ascii"), raw_hash(record)))
                db.executemany("insert into stored values (?, ?)", rows)
                copy += 1


def _status_kb(name: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1])
    return 0


def _batches(items: Iterator[Any]) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _stream(path: Path, limit: int | None) -> tuple[int, int, int]:
    """(records read, not decoded, problems) of streaming ``path`` as the Loader would."""
    from itertools import islice

    from harvesters.files import read_path
    from harvesters.reports import RunReport
    from indexer.source_documents import prepare

    summary = RunReport()
    undecoded = 0
    for batch in _batches(islice(read_path(path, library="BENCH"), limit)):
        records = summary.intake(batch)
        undecoded += sum(record.unchanged for record in records)
        prepare([record for record in records if not record.unchanged], None)
    return summary.read, undecoded, summary.skipped


def measure(mode: str, path: Path, hashes: Path) -> dict[str, Any]:
    """Run in a fresh process: one path over the whole file; the process's peak RSS."""
    from harvesters.unchanged import KNOWN, KnownRecords, Stored

    if mode == "skip":
        db = sqlite3.connect(hashes)

        def fetch(library: str, ids: list[str]) -> dict[str, Stored]:
            marks = ",".join("?" * len(ids))
            rows = db.execute(f"select id, raw_hash from stored where id in ({marks})", ids)
            return {local: Stored(digest, "") for local, digest in rows}

        KNOWN.set(KnownRecords(fetch))
    _stream(path, 1000)  # warm-up
    if mode == "skip":
        KNOWN.set(KnownRecords(fetch))  # a new load: nothing passed yet
    warm = _status_kb("VmHWM")
    started = time.perf_counter()
    read, undecoded, problems = _stream(path, None)
    return {"mode": mode, "records": read, "undecoded": undecoded, "problems": problems,
            "seconds": time.perf_counter() - started, "warm_peak_kb": warm,
            "peak_kb": _status_kb("VmHWM")}


def _in_subprocess(mode: str, path: Path, hashes: Path) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "bench.scale_memory", "--measure", mode, str(path), str(hashes)],
        cwd=REPO, capture_output=True, text=True, check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> int:
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="mucluc-bench-memory-") as tmp:
        for n in SIZES:
            path, hashes = Path(tmp) / f"{n}.mrc", Path(tmp) / f"{n}.sqlite"
            started = time.perf_counter()
            write_file(path, n, hashes)
            print(f"wrote {n:,} records ({path.stat().st_size / 1e6:,.0f} MB) in "
                  f"{time.perf_counter() - started:.0f} s", flush=True)
            for mode in ("map", "skip"):
                if mode == "map" and n > MAPPED_MAX:
                    continue
                rows.append(_in_subprocess(mode, path, hashes))
                print(f"  {mode}: {rows[-1]['seconds']:.0f} s", flush=True)
            path.unlink()
            hashes.unlink()
    names = {"map": "read + map + batch", "skip": "read + batch, decoding skipped (reload)"}
    print(table(
        ["streaming path (no engine)", "records", "not decoded", "seconds", "records/s",
         "peak RSS after warm-up MB", "peak RSS MB"],
        [[names[r["mode"]], r["records"], r["undecoded"], r["seconds"],
          r["records"] / r["seconds"], r["warm_peak_kb"] / 1024, r["peak_kb"] / 1024]
         for r in rows],
    ))
    print(f"results: {write_results('scale_memory', {'rows': rows})}")
    bad = [r for r in rows if r["problems"]]
    return 1 if bad else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        print(json.dumps(measure(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))))
    else:
        sys.exit(main())
