"""``python -m bench.intake_table``: what the file readers make of every MARC file in
``../shared/data`` — records in the file, kept, skipped, merged, repaired — and why each skipped
record is lost. No engine needed: this is the reader's accounting, the same items
``mucluc load`` counts (tests/integration/test_intake_accounting.py checks it against a node).

"In file" is counted independently of the reader: record terminators (0x1D) for ISO 2709,
``<record`` elements for MARCXML.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

from harvesters.files import read_guarded
from harvesters.marc_files import detect_format
from harvesters.records import Notice, RecordProblem, SourceRecord

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def marc_files(root: Path = DATA) -> list[Path]:
    found = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.suffix in {".md", ".csv", ".json", ".txt", ".mrk8"}:
            continue
        try:
            fmt = detect_format(path)
        except Exception:  # noqa: BLE001 - not a MARC file
            continue
        if fmt == "marc" or (fmt == "marcxml" and b"<record" in path.read_bytes()[:200_000]
                             and b"marc" in path.read_bytes()[:2000].lower()):
            found.append(path)
    return found


def in_file(path: Path) -> int:
    data = path.read_bytes()
    if detect_format(path) == "marc":
        return len([r for r in data.split(b"\x1d") if r.strip(b"\r\n\x1a \x00")])
    return len(re.findall(rb"<(?:\w+:)?record[\s>]", data))


def account(path: Path) -> dict[str, object]:
    items = list(read_guarded(path, library="X"))
    records = [i for i in items if isinstance(i, SourceRecord)]
    problems = [i for i in items if isinstance(i, RecordProblem)]
    notices = [i for i in items if isinstance(i, Notice)]
    merged = [n for n in notices if n.kind == "merged"]
    unreadable = [n for n in notices if n.kind == "file"]
    return {
        "file": str(path.relative_to(DATA)) if path.is_relative_to(DATA) else str(path),
        "in_file": in_file(path),
        "came_in": len(records) + len(problems) + len(merged),
        "kept": len(records),
        "skipped": len(problems),
        "merged": len(merged),
        "kept_apart": sum(1 for n in notices if n.field == "001" and "kept apart" in n.message),
        "repaired": sum(1 for r in records if r.repairs),
        "unreadable": unreadable[0].message if unreadable else "",
        "reasons": Counter(_reason(p.reason) for p in problems),
    }


def _reason(text: str) -> str:
    return re.sub(r"^record \d+: ", "", text)[:90]


def main() -> int:
    rows = [account(path) for path in marc_files()]
    print("| file | in file | came in | kept | skipped | merged | kept apart | repaired |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(f"| {row['file']} | {row['in_file']} | {row['came_in']} | {row['kept']} | "
              f"{row['skipped']} | {row['merged']} | {row['kept_apart']} | {row['repaired']} |")
    print()
    for row in rows:
        if row["unreadable"]:
            print(f"{row['file']}: {row['unreadable']}")
        for reason, count in row["reasons"].items():  # type: ignore[attr-defined]
            print(f"{row['file']}: {count} skipped: {reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
