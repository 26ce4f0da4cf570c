"""Run reports of loads and harvests: one model, one atomic JSON writer.

Every ``mucluc load`` and every source of ``mucluc harvest`` fills one :class:`RunReport` (the
:class:`indexer.load.Loader` counts into it) and writes it with :func:`write_json` (temporary file
+ ``os.replace``, so a reader or a crash never leaves half a report). ``mucluc harvest`` writes
``<reports>/<stamp>-harvest-<source>.json`` and overwrites ``<reports>/last-run/<source>.json``
with the same report minus the per-record lists, which is what ``mucluc sources`` reads; ``mucluc
load`` writes ``<reports>/<stamp>-load-<library>.json``.

The accounting balances by construction, and the report says so: every item that came in
(``fetched``) is exactly one of ``new``, ``updated``, ``unchanged``, ``deleted``, ``skipped`` (a
record that could not be read or stored, listed in ``problems``) or ``merged`` (a record folded
into another with the same identity, listed in ``warnings``). Plain JSON: the keys are the contract.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harvesters.records import Notice, RecordProblem, Repair, SourceRecord
from harvesters.transport import redact

LAST_RUN = "last-run"
SourceItem = SourceRecord | RecordProblem | Notice


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class RunReport:
    """What one load, or one run of one source, did. ``status``: ``ok``, ``problems`` (some
    records or files were not loaded), ``empty`` (nothing came in) or ``failed`` (with ``error``).

    The counters keep the names the Loader has always used (``read``, ``new`` …); ``read`` counts
    every item that came in, so ``read == new + updated + unchanged + deleted + skipped + merged``.
    """

    library: str = ""
    source: str = ""
    protocol: str = "files"
    location: str = ""  # URL with credentials redacted, or the file or folder
    started_at: str = field(default_factory=now)
    finished_at: str = ""
    status: str = "running"
    error: str = ""
    full: bool = False
    read: int = 0  # every item that came in: records, deletions, unreadable and merged records
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    merged: int = 0
    withdrawn: int = 0  # books absent from a re-loaded file, removed (outside the balance)
    clusters_touched: int = 0
    seconds: float = 0.0
    problems: list[RecordProblem] = field(default_factory=list)
    repairs: list[tuple[str, Repair]] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)
    report: str = ""  # path of the full report (set in the last-run record)

    # -- counting (the Loader and the readers' consumers call these) --------------------------

    def note(self, notice: Notice) -> None:
        """A notice from a reader: a merged record counts as one that came in; a file or sheet
        read, empty or unreadable is listed in ``files``."""
        if notice.kind in {"file-read", "sheet-read"}:
            self.files.append({"file": notice.source, "sheet": notice.field, "status": "read",
                               "detail": notice.message})
            return
        if notice.kind in {"file", "empty"}:
            self.files.append({"file": notice.source, "status": (
                "unreadable" if notice.kind == "file" else "empty"),
                "detail": notice.message, "hint": notice.hint})
        self.warnings.append(notice)
        if notice.kind == "merged":
            self.read += 1
            self.merged += 1

    def skip(self, problem: RecordProblem, *, counted: bool = False) -> None:
        """A record that could not be read or stored; ``counted`` if already in ``read``."""
        self.problems.append(problem)
        if not counted:
            self.read += 1

    def intake(self, items: Iterable[SourceItem]) -> list[SourceRecord]:
        """Count a reader's items in: problems and notices are recorded here, the records (and
        deletions) are returned for storing and counted in ``read``."""
        records: list[SourceRecord] = []
        for item in items:
            if isinstance(item, RecordProblem):
                self.skip(item)
            elif isinstance(item, Notice):
                self.note(item)
            else:
                self.read += 1
                records.append(item)
        return records

    # -- derived -------------------------------------------------------------------------------

    @property
    def skipped(self) -> int:
        return len(self.problems)

    @property
    def rejected(self) -> int:  # the harvest reports' name for ``skipped``
        return self.skipped

    @property
    def fetched(self) -> int:  # the harvest reports' name for ``read``
        return self.read

    @property
    def loaded(self) -> int:
        return self.new + self.updated + self.unchanged

    @property
    def accounted(self) -> int:
        return self.loaded + self.deleted + self.skipped + self.merged

    @property
    def balanced(self) -> bool:
        return self.read == self.accounted

    @property
    def repaired(self) -> int:
        return len({record for record, _ in self.repairs})

    repaired_records = repaired

    @property
    def unreadable_files(self) -> int:
        return sum(1 for f in self.files if f.get("status") == "unreadable")

    @property
    def ok(self) -> bool:
        return self.status in {"ok", "problems", "empty"}

    def finish(self, seconds: float | None = None) -> None:
        """Set ``status`` and ``finished_at`` from the counts (a failed run stays failed)."""
        self.finished_at = now()
        if seconds is not None:
            self.seconds = round(seconds, 2)
        if self.status != "running":  # a harvest says ok/failed for the source itself
            return
        if self.read == 0 and not self.loaded:
            self.status = "empty" if not self.unreadable_files else "problems"
        elif self.skipped or self.unreadable_files or not self.balanced:
            self.status = "problems"
        else:
            self.status = "ok"

    def exit_code(self) -> int:
        """0: all loaded; 3: loaded, with problems (records skipped, files unreadable); 1:
        nothing loaded (the run failed, or every file was empty, unreadable or refused)."""
        if self.status == "failed" or self.loaded + self.deleted + self.merged == 0:
            return 1
        return 3 if self.skipped or self.unreadable_files or not self.balanced else 0

    def balance(self) -> str:
        """``records in 12 = 3 new + 1 updated + 7 unchanged + 0 deleted + 1 skipped + 0 merged``
        (with a loud mark if it does not balance, which is a bug)."""
        mark = "" if self.balanced else "  (DOES NOT BALANCE: report a bug)"
        return (f"records in {self.read} = {self.new} new + {self.updated} updated + "
                f"{self.unchanged} unchanged + {self.deleted} deleted + {self.skipped} skipped "
                f"+ {self.merged} merged{mark}")

    def counts(self) -> str:
        """``12 fetched: 3 new, 1 updated, 7 unchanged, 1 deleted, 0 rejected``."""
        text = (f"{self.fetched} fetched: {self.new} new, {self.updated} updated, "
                f"{self.unchanged} unchanged, {self.deleted} deleted, {self.rejected} rejected")
        for count, name in ((self.merged, "merged"), (self.repaired, "repaired"),
                            (len(self.warnings), "warnings")):
            if count:
                text += f", {count} {name}"
        return text

    def line(self) -> str:
        """The summary line of a load: counts, files, warnings, time."""
        parts = [f"{self.loaded} loaded ({self.new} new, {self.updated} updated, "
                 f"{self.unchanged} unchanged)", f"{self.skipped} skipped"]
        for count, name in ((self.deleted, "deleted"), (self.merged, "merged"),
                            (self.withdrawn, "withdrawn"),
                            (self.repaired, "repaired"), (len(self.warnings), "warnings")):
            if count:
                parts.append(f"{count} {name}")
        if self.files:
            every = {f["file"] for f in self.files}
            read = {f["file"] for f in self.files if f["status"] == "read"}
            parts.append(f"{len(read)} of {len(every)} files read")
        return ", ".join(parts) + f" in {self.seconds:.1f} s"

    # -- JSON ----------------------------------------------------------------------------------

    def as_dict(self) -> dict[str, Any]:
        plain = {f.name: getattr(self, f.name) for f in fields(self)
                 if f.name not in {"problems", "repairs", "warnings"}}
        plain.update(
            fetched=self.fetched, skipped=self.skipped, rejected=self.rejected,
            repaired=self.repaired, balanced=self.balanced, balance=self.balance(),
            problems=[{"source": p.source, "record_id": p.record_id, "offset": p.offset,
                       "reason": p.reason, "describe": p.describe()} for p in self.problems],
            repairs=[{"record": record, "field": r.field, "before": r.before, "after": r.after,
                      "kind": r.kind} for record, r in self.repairs],
            warnings=[{"source": w.source, "row": w.offset, "record_id": w.record_id,
                       "field": w.field, "kind": w.kind, "message": w.message, "hint": w.hint}
                      for w in self.warnings],
        )
        return plain

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> RunReport:
        """Counts and status of a written report (the per-record lists are not read back)."""
        lists = {"problems", "repairs", "warnings"}
        known = {f.name for f in fields(cls)} - lists
        report = cls(**{k: v for k, v in raw.items() if k in known})
        report.problems = [RecordProblem(source=str(p.get("source", "")),
                                         reason=str(p.get("reason", "")),
                                         record_id=str(p.get("record_id", "")))
                           for p in raw.get("problems", []) if isinstance(p, dict)]
        # The last-run record keeps the counts, not the lists: stand-ins keep the counts right.
        if not report.problems and raw.get("rejected"):
            report.problems = [RecordProblem(source=report.source, reason="(see the full report)")
                               ] * int(raw["rejected"])
        if raw.get("repaired"):
            report.repairs = [(f"#{n}", Repair(field="", before="", after=""))
                              for n in range(int(raw["repaired"]))]
        return report


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


def write_json(path: Path, payload: Mapping[str, Any]) -> None:
    """Write ``payload`` as JSON atomically: a temporary file in the same folder, then rename."""
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
    write_json(path, report.as_dict())
    summary = {**report.as_dict(), "problems": [], "repairs": [], "warnings": []}
    write_json(last_run_path(directory, report.source), summary)
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


def write_load_report(directory: Path, report: RunReport) -> Path:
    """Write the report of one ``mucluc load``; returns its path."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = directory / f"{stamp}-load-{_safe(report.library)}.json"
    report.report = str(path)
    write_json(path, report.as_dict())
    return path
