"""Upload jobs: a stored file read, checked and loaded off the request, with progress.

A job runs as a background task of the serving process that accepted the upload (at most
``Limits.running_jobs`` at once per process; the others wait as ``queued``). Its state lives in
the engine (kind ``jobs``), so any worker answers ``GET /api/v1/jobs/{id}``.

Loading goes through the one write path, :class:`indexer.load.Loader`, in two phases so that a
refused file loads nothing: first the whole file is read and checked (size, records, time,
unreadable or refused file: the job fails with the reason), then the records are loaded.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aiohttp import web

from harvesters.files import read_path
from harvesters.records import Notice, RecordProblem, SourceRecord
from harvesters.reports import RunReport
from indexer.accounts import now
from indexer.console_records import HEARTBEAT_SECONDS, library_records, new_job_id, save_job
from indexer.load import Loader, SourceItem
from indexer.store import Store
from mucluc.core.errors import MuclucError
from mucluc.core.library import Library
from searchapi.console.access import Principal, audit
from searchapi.console.state import Limits, Runner
from searchapi.state import LIBRARIES, STORE

log = logging.getLogger("mucluc.console")
MAX_LISTED = 5000  # problems, repairs, warnings kept in a stored report (the counts are all)
PROGRESS_SECONDS = 1.0


class Refused(MuclucError):
    """The file is refused as a whole: nothing of it is loaded. ``code`` is stable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def read_all(path: Path, *, library: str, fmt: str, name: str, limits: Limits,
             stop: threading.Event) -> list[SourceItem]:
    """Every item of the uploaded file, its source named ``name`` (never a server path);
    :class:`Refused` when the file cannot be read at all, holds too many records, or the
    reading is stopped (the time limit)."""
    items: list[SourceItem] = []
    records = 0
    unreadable: list[Notice] = []
    for item in read_path(path, library=library, fmt=fmt):
        if stop.is_set():
            raise Refused("too_slow", f"Reading the file took longer than "
                          f"{limits.parse_seconds:.0f} seconds; split it into smaller files.")
        item.source = name
        if isinstance(item, SourceRecord | RecordProblem):
            records += 1
            if records > limits.records:
                raise Refused("too_many_records", f"The file holds more than {limits.records} "
                              "records; split it into smaller files.")
        elif item.kind in {"file", "empty"}:
            unreadable.append(item)
        items.append(item)
    if records == 0 and unreadable:
        notice = unreadable[0]
        message = notice.message.replace(str(path), name).replace(str(path.parent) + "/", "")
        raise Refused("unreadable" if notice.kind == "file" else "empty",
                      f"{name}: {message}" + (f" ({notice.hint})" if notice.hint else ""))
    return items


def public_report(report: RunReport, folder: Path) -> dict[str, Any]:
    """The report as stored and shown: lists cut to ``MAX_LISTED``, no server path in it."""
    plain = report.as_dict()
    for name in ("problems", "repairs", "warnings"):
        plain[f"{name}_total"] = len(plain[name])
        plain[name] = plain[name][:MAX_LISTED]
    plain.pop("report", None)
    return _scrub(plain, str(folder))


def _scrub(value: Any, folder: str) -> Any:
    if isinstance(value, str):
        return value.replace(folder + "/", "").replace(folder, "")
    if isinstance(value, list):
        return [_scrub(v, folder) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, folder) for k, v in value.items()}
    return value


def new_job(who: Principal, library: str, name: str, fmt: str, size: int, *,
            replace: bool = False, confirm: int | None = None) -> dict[str, Any]:
    """A queued job. With ``replace``, the library's records absent from the file are removed
    after the load, but only when ``confirm`` equals how many that is (else the job fails
    with code ``confirm_replace`` saying the number, and nothing is loaded)."""
    return {"id": new_job_id(), "library": library, "key_id": who.key_id, "state": "queued",
            "mode": "replace" if replace else "add", "confirm": confirm, "replace": None,
            "file": name, "format": fmt, "bytes": size, "created_at": now(),
            "started_at": None, "finished_at": None, "records": 0,
            "progress": {"phase": "queued", "read": 0, "total": 0}, "error": None,
            "report": None}


async def submit(app: web.Application, runner: Runner, who: Principal, job: dict[str, Any],
                 path: Path) -> None:
    """Store the queued job and start it in the background (``path``'s folder is removed when
    the job ends)."""
    store = app[STORE]
    await save_job(store, job, refresh=True)
    runner.spawn(run(store, app[LIBRARIES], runner, who, job, path))


async def run(store: Store, libraries: Mapping[str, Library], runner: Runner, who: Principal,
              job: dict[str, Any], path: Path) -> None:
    limits = runner.limits
    beat = asyncio.ensure_future(_heartbeat(store, job))
    try:
        async with runner.slots():
            job.update(state="running", started_at=now(),
                       progress={"phase": "reading", "read": 0, "total": 0})
            await save_job(store, job)
            await _run(store, libraries, limits, job, path)
    except Refused as exc:
        job.update(state="failed", error={"code": exc.code, "message": exc.message})
    except asyncio.CancelledError:
        job.update(state="failed", error={"code": "interrupted",
                                          "message": "The service stopped during the upload."})
        await _stop(beat)
        await _finish(store, who, job)
        raise
    except MuclucError as exc:
        log.warning("upload job %s failed: %s", job["id"], exc.message)
        job.update(state="failed", error={"code": "failed", "message": _safe(exc, path)})
    except Exception:
        log.exception("upload job %s failed", job["id"])
        job.update(state="failed", error={"code": "internal_error",
                                          "message": "Something went wrong on our side."})
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
    await _stop(beat)
    await _finish(store, who, job)


async def _heartbeat(store: Store, job: dict[str, Any]) -> None:
    """Save the job every HEARTBEAT_SECONDS while it waits or runs: readers take a job that
    stopped being saved for a dead one (``indexer.console_records.as_seen``)."""
    while True:
        await asyncio.sleep(HEARTBEAT_SECONDS)
        try:
            await save_job(store, job)
        except MuclucError as exc:  # the engine is away: the next beat tries again
            log.warning("upload job %s: heartbeat not saved: %s", job["id"], exc.one_line())


async def _stop(beat: asyncio.Future[None]) -> None:
    beat.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await beat


def _safe(exc: MuclucError, path: Path) -> str:
    return exc.one_line().replace(str(path.parent) + "/", "").replace(str(path.parent), "")


async def _finish(store: Store, who: Principal, job: dict[str, Any]) -> None:
    job["finished_at"] = now()
    await save_job(store, job, refresh=True)
    report = job.get("report") or {}
    detail = {"library": job["library"], "file": job["file"], "job": job["id"],
              "state": job["state"], "mode": job.get("mode", "add")}
    if job.get("replace"):
        detail["would_remove"] = job["replace"]["would_remove"]
    for name in ("read", "new", "updated", "unchanged", "skipped", "withdrawn"):
        if name in report:
            detail[name] = report[name]
    if job.get("error"):
        detail["error"] = job["error"]["code"]
    await audit(store, who, "upload", f"{job['library']}: {job['file']}", detail)


async def _run(store: Store, libraries: Mapping[str, Library], limits: Limits,
               job: dict[str, Any], path: Path) -> None:
    stop = threading.Event()
    started = time.perf_counter()
    reading = asyncio.ensure_future(asyncio.to_thread(
        read_all, path, library=job["library"], fmt=job["format"], name=job["file"],
        limits=limits, stop=stop))
    try:
        items = await asyncio.wait_for(asyncio.shield(reading), limits.parse_seconds)
    except TimeoutError:
        stop.set()
        raise Refused("too_slow", f"Reading the file took longer than "
                      f"{limits.parse_seconds:.0f} seconds; split it into smaller files.") from None
    total = sum(1 for item in items if not isinstance(item, Notice))
    gone = await _to_remove(store, job, items) if job.get("mode") == "replace" else []
    job.update(records=total, progress={"phase": "loading", "read": 0, "total": total})
    await save_job(store, job)
    report = RunReport(library=job["library"], source=job["file"], location=job["file"])
    latest: dict[str, int] = {}

    def progress(summary: RunReport) -> None:
        latest["read"] = summary.read

    loader = Loader(store, libraries, progress=progress)
    loading = asyncio.ensure_future(loader.load(items, report))
    while not loading.done():
        await asyncio.wait([loading], timeout=PROGRESS_SECONDS)
        if not loading.done() and latest:
            job["progress"] = {"phase": "loading", "read": latest["read"], "total": total}
            await save_job(store, job)
    await loading
    if gone:
        await _withdraw(loader, job, gone, report)
    report.finish(time.perf_counter() - started)
    job.update(state="done", report=public_report(report, path.parent),
               progress={"phase": "done", "read": report.read, "total": total})


async def _to_remove(store: Store, job: dict[str, Any], items: list[SourceItem]) -> list[str]:
    """The local ids of the library's stored records that the file no longer holds; the job
    is refused unless its ``confirm`` is exactly how many they are."""
    present: set[str] = set()
    for item in items:
        if isinstance(item, SourceRecord):
            present.add(item.local_id)
        elif isinstance(item, RecordProblem) or item.kind == "merged":
            if not item.record_id:
                raise Refused("replace_uncertain", "The file has records whose number cannot "
                              "be read, so it cannot say which books to remove; fix them or "
                              "upload without replacing.")
            present.add(item.record_id)
    stored = await library_records(store, job["library"])
    gone = sorted({local for local in stored.values() if local not in present})
    job["replace"] = {"would_remove": len(gone), "stored": len(stored)}
    if job.get("confirm") != len(gone):
        raise Refused("confirm_replace", f"Replacing the catalogue with this file would remove "
                      f"{len(gone)} of the library's {len(stored)} holdings (those not in the "
                      f"file). Nothing was loaded: send the file again confirming {len(gone)}.")
    return gone


async def _withdraw(loader: Loader, job: dict[str, Any], gone: list[str],
                    report: RunReport) -> None:
    """Remove the records the file no longer holds, through the loader (the one write path),
    each a ``withdrawn`` line in the report; outside the balance, as for ``mucluc load``."""
    library = job["library"]
    batch = [SourceRecord(library, job["file"], local_id, None, deleted=True)
             for local_id in gone]
    before = report.deleted
    for start in range(0, len(batch), loader.batch_size):
        await loader.load_batch(batch[start : start + loader.batch_size], report)
    report.withdrawn += report.deleted - before
    report.deleted = before
    for local_id in gone:
        report.warnings.append(Notice(job["file"], "no longer in the file: withdrawn",
                                      record_id=local_id, kind="withdrawn", library=library))
