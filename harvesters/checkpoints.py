"""Harvest checkpoints: where a harvest of one source stands, saved after every page.

One JSON file per source under a state directory the caller passes in, written atomically
(temporary file in the same directory, fsync, ``os.replace``, fsync of the directory), so a file
on disk is always either the previous checkpoint or the new one, never a torn mix.

The consumer contract (what makes a killed harvest resume with no loss and no duplicates)
-----------------------------------------------------------------------------------------
A harvester (:func:`harvesters.oaipmh.harvest`) yields *pages*. For each page the caller:

1. stores every record of ``page.records`` durably (raw store, index, file…);
2. then calls ``await page.commit()``, which saves the checkpoint *after* that page:
   the next resumptionToken, page and record counts, the server's ``responseDate``.

Pages are committed in the order they were delivered. By default the harvester does not request
page N+1 before page N is committed; asking for the next page without committing raises
:class:`~mucluc.core.errors.HarvestError` (a caller bug, not a server fault). A consumer that
stores several pages as one batch passes ``read_ahead=k``: it may hold k delivered pages before
committing them, and each next page is requested as soon as a page is delivered (fetched and
parsed while the consumer stores). The checkpoint still moves only at a commit, so what follows
holds for every page delivered and not committed. Pages stored together may be committed
together (:func:`harvesters.oaipmh.commit_pages`): one write of the checkpoint after the last
of them, the file committing them one by one would end with. When the process dies:

* after ``commit()`` of page N: the next run resumes with page N's resumptionToken, page N+1 is
  the first one delivered; nothing is lost or repeated;
* before ``commit()`` of page N: the checkpoint still says "after page N-1", page N is delivered
  again. If the caller had already stored part of page N those records arrive twice: stores must
  therefore upsert by ``(library, local_id)``, which makes the repeat harmless. This is the only
  case of re-delivery, besides the one below.
* a ``badResumptionToken`` (the server forgot or expired the token) restarts the list from the
  run's ``from`` date, which re-delivers records already stored in this run; again harmless for
  an upserting store, and logged.

When a list completes, the checkpoint keeps ``next_from``: the server's own ``responseDate`` of
the first page of that run (never the local clock, see vufindharvest issue #7), cut to the
server's granularity, so the next incremental harvest asks for everything changed since the run
started.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path

from mucluc.core.errors import SourceError

FORMAT_VERSION = 1


@dataclass
class Checkpoint:
    """The state of one source's harvest. Every field is JSON-plain."""

    source: str
    metadata_prefix: str = ""
    set_spec: str | None = None
    from_: str | None = None  # the `from` of the current (or last) run
    until: str | None = None
    resumption_token: str | None = None  # None: no list in progress
    pages: int = 0  # pages committed in the current run
    records_seen: int = 0  # records (incl. deletions, problems) committed in the current run
    last_response_date: str | None = None
    run_response_date: str | None = None  # responseDate of the first page of the current run
    next_from: str | None = None  # `from` for the next run, set when a run completes
    complete: bool = False
    restarts: int = 0  # badResumptionToken restarts in the current run
    updated_at: str = ""

    @property
    def in_progress(self) -> bool:
        """A list was started and not finished: the next run resumes it."""
        return self.resumption_token is not None and not self.complete


def _file_name(source: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", source).strip("._") or "source"
    return f"{safe}.json"


class CheckpointStore:
    """Checkpoints of many sources, one JSON file each, in ``state_dir`` (created if missing)."""

    def __init__(self, state_dir: Path | str) -> None:
        self.state_dir = Path(state_dir)

    def path(self, source: str) -> Path:
        return self.state_dir / _file_name(source)

    def load(self, source: str) -> Checkpoint | None:
        """The saved checkpoint of ``source``, or None if it was never harvested."""
        path = self.path(source)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise SourceError(
                f"{source}: cannot read the harvest checkpoint {path}: {exc}",
                source=source,
                hint="delete the file to harvest the source again from the start",
            ) from exc
        known = {f.name for f in fields(Checkpoint)}
        values = {k: v for k, v in raw.items() if k in known}
        values["source"] = source
        return Checkpoint(**values)

    def save(self, checkpoint: Checkpoint) -> None:
        """Write ``checkpoint`` atomically: after a crash the file is the old or the new one."""
        checkpoint.updated_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        payload = {"format": FORMAT_VERSION, **asdict(checkpoint)}
        path = self.path(checkpoint.source)
        try:
            self.state_dir.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=self.state_dir)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    json.dump(payload, out, ensure_ascii=False, indent=2)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            dir_fd = os.open(self.state_dir, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        except OSError as exc:
            raise SourceError(
                f"{checkpoint.source}: cannot save the harvest checkpoint {path}: {exc}",
                source=checkpoint.source,
            ) from exc

    def clear(self, source: str) -> None:
        """Forget ``source``: its next harvest starts from the beginning."""
        self.path(source).unlink(missing_ok=True)
