"""Run reports of harvests: one JSON file per source and run, and a ``last-run`` record per source.

``mucluc harvest`` writes, for every source it ran, ``<reports>/<stamp>-harvest-<source>.json``
(counts, every rejected record with its reason, every repair) and overwrites
``<reports>/last-run/<source>.json`` with the same report minus the per-record lists, which is
what ``mucluc sources`` reads. Both are written atomically (temporary file + ``os.replace``), so
a reader never sees half a report. Reports are plain JSON: a librarian may open them, a script
may parse them; the keys below are the contract.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harvesters.records import RecordProblem, Repair
from harvesters.transport import redact

LAST_RUN = "last-run"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class RunReport:
    """What one run of one source did. ``status`` is ``ok`` or ``failed`` (with ``error``)."""

    library: str
    source: str
    protocol: str
    location: str  # URL with credentials redacted, or the files source's folder
    started_at: str = field(default_factory=now)
    finished_at: str = ""
    status: str = "running"
    error: str = ""
    full: bool = False
    fetched: int = 0  # every item the source delivered: records, deletions, unreadable records
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    rejected: int = 0
    repaired: int = 0  # records whose text was repaired (legacy encodings, illegal characters)
    seconds: float = 0.0
    problems: list[dict[str, Any]] = field(default_factory=list)
    repairs: list[dict[str, Any]] = field(default_factory=list)
    report: str = ""  # path of the full report (set in the last-run record)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def add_problems(self, problems: list[RecordProblem]) -> None:
        self.rejected = len(problems)
        self.problems = [
            {"record_id": p.record_id, "offset": p.offset, "reason": p.reason,
             "describe": p.describe()}
            for p in problems
        ]

    def add_repairs(self, repairs: list[tuple[str, Repair]]) -> None:
        self.repaired = len({record for record, _ in repairs})
        self.repairs = [
            {"record": record, "field": r.field, "before": r.before, "after": r.after,
             "kind": r.kind}
            for record, r in repairs
        ]

    def counts(self) -> str:
        """``12 fetched: 3 new, 1 updated, 7 unchanged, 1 deleted, 0 rejected``."""
        text = (f"{self.fetched} fetched: {self.new} new, {self.updated} updated, "
                f"{self.unchanged} unchanged, {self.deleted} deleted, {self.rejected} rejected")
        if self.repaired:
            text += f", {self.repaired} repaired"
        return text

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> RunReport:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in raw.items() if k in known})


def location(spec: Mapping[str, Any], base_dir: Path | None = None) -> str:
    """Where a source table points, safe to print: a redacted URL, or the resolved folder."""
    if spec.get("protocol") == "files":
        path = Path(str(spec.get("path", "")))
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        return str(path)
    return redact(str(spec.get("url", "")))


def _safe(source: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", source).strip("._") or "source"


def _write_json(path: Path, payload: Mapping[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(payload, out, ensure_ascii=False, indent=2)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_run_report(directory: Path, report: RunReport) -> Path:
    """Write the full report and the source's last-run record; returns the full report's path."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = directory / f"{stamp}-harvest-{_safe(report.source)}.json"
    report.report = str(path)
    _write_json(path, report.as_dict())
    summary = {**report.as_dict(), "problems": [], "repairs": []}
    _write_json(last_run_path(directory, report.source), summary)
    return path


def last_run_path(directory: Path, source: str) -> Path:
    return directory / LAST_RUN / f"{_safe(source)}.json"


def read_last_run(directory: Path, source: str) -> RunReport | None:
    """The last finished run of ``source``, or None if it never ran (or the record is unreadable:
    a damaged record must not stop ``mucluc sources`` from listing the others)."""
    try:
        raw = json.loads(last_run_path(directory, source).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(raw, dict):
        return None
    try:
        return RunReport.from_dict(raw)
    except TypeError:
        return None
