"""Python CPU per record of ingest's per-record work, phase by phase, without the engine.

``python -m bench ingest_cpu`` (``MUCLUC_BENCH_RECORDS``, default 5,000; ``MUCLUC_BENCH_ROUNDS``,
default 3: the fastest round of each phase is reported). The load ÷ raw ``_bulk`` ratio of
``bench ingest`` is bounded by this: on two cores the engine takes about one, and our Python
(one interpreter, the GIL) the other, so every millisecond of Python per record caps the load's
rate whatever the engine does. The phases are those of a first load of a generated file:

- **read**: frame ISO 2709, decode with pymarc, repair legacy encodings, the duplicate check's
  checksum (``harvesters.files.read_path``, what the Loader's reader thread does);
- **map**: the raw-store documents (``indexer.source_documents.prepare``);
- **union**: union documents (``indexer.union.union_document``) of the records grouped by their
  cluster key (what clustering mostly gives for generated records; the clustering decision
  itself needs the engine and is measured by ``bench ingest``'s phases);
- **serialise**: the bulk bodies of the raw-store and union writes, as the engine client makes
  them (``indexer.store.serializer``).

CPU is the thread's own CPU time (``time.thread_time``): it does not count time waiting for a
busy machine's cores, so it is steadier than wall time on a shared machine (not immune: caches
and frequency are shared too). Memoised per-string work stays warm across rounds within a run,
as it does across batches of a load; the first round shows the cold cost.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import SHARED_DATA, table, write_results
from harvesters.files import read_path
from harvesters.records import SourceRecord
from indexer.source_documents import prepare
from indexer.store.serializer import OrjsonSerializer
from indexer.union import union_document
from mucluc.core.collector import streaming_records
from mucluc.core.library import Library
from mucluc.demo.generate import write_marc_file

RECORDS = int(os.environ.get("MUCLUC_BENCH_RECORDS", "5000"))
ROUNDS = int(os.environ.get("MUCLUC_BENCH_ROUNDS", "3"))
BATCH = 1000
LIBRARY = {"BENCH": Library("BENCH", "Thư viện thử nghiệm", "provincial")}
PHASES = ("read", "map", "union", "serialise")


def _timed(work: Callable[[], Any]) -> tuple[float, Any]:
    started = time.thread_time()
    result = work()
    return time.thread_time() - started, result


def _read(marc: Path) -> list[SourceRecord]:
    return [i for i in read_path(marc, library="BENCH") if isinstance(i, SourceRecord)]


def _map(records: list[SourceRecord]) -> list[tuple[str, dict[str, Any]]]:
    documents: list[tuple[str, dict[str, Any]]] = []
    for start in range(0, len(records), BATCH):
        for doc_id, document in prepare(records[start : start + BATCH]).items():
            assert isinstance(document, dict), document
            documents.append((doc_id, document))
    return documents


def clusters_by_key(
    documents: list[tuple[str, dict[str, Any]]],
) -> dict[str, list[dict[str, Any]]]:
    """Records grouped by cluster key (a stand-in for the clustering decision), each group named
    after its first record's provisional cluster."""
    groups: dict[str, list[dict[str, Any]]] = {}
    names: dict[str, str] = {}
    for _, document in documents:
        cluster = names.setdefault(document["cluster_key"], document["cluster"])
        groups.setdefault(cluster, []).append({**document, "cluster": cluster})
    return groups


def _union(groups: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    return {cluster: union_document(cluster, members, LIBRARY)
            for cluster, members in groups.items()}


def _serialise(
    documents: list[tuple[str, dict[str, Any]]], union: dict[str, dict[str, Any]]
) -> int:
    from opensearchpy.client.utils import _bulk_body

    serializer = OrjsonSerializer()
    size = 0
    for name, pairs in (("records", documents), ("union", list(union.items()))):
        for start in range(0, len(pairs), BATCH):
            actions: list[dict[str, Any]] = []
            for doc_id, document in pairs[start : start + BATCH]:
                actions += [{"index": {"_index": name, "_id": doc_id}}, document]
            body = _bulk_body(serializer, actions)
            size += len(body.encode("utf-8") if isinstance(body, str) else body)
    return size


def measure(work: Path) -> dict[str, list[float]]:
    """Seconds of CPU per phase, one entry per round; each round reads another generated file
    (records differ, as in one long load: only strings that really recur hit a cache)."""
    seconds: dict[str, list[float]] = {phase: [] for phase in PHASES}
    for round_ in range(ROUNDS):
        marc = write_marc_file(work / f"generated-{round_}.mrc", RECORDS, seed=round_)
        with streaming_records():  # a load maps while its reader is open: both run under it
            _round(marc, seconds)
    return seconds


def _round(marc: Path, seconds: dict[str, list[float]]) -> None:
    spent, records = _timed(lambda: _read(marc))
    seconds["read"].append(spent)
    spent, documents = _timed(lambda: _map(records))
    seconds["map"].append(spent)
    groups = clusters_by_key(documents)
    spent, union = _timed(lambda: _union(groups))
    seconds["union"].append(spent)
    spent, _ = _timed(lambda: _serialise(documents, union))
    seconds["serialise"].append(spent)


def dump_documents(target: Path, records: int = 2000) -> Path:
    """The raw-store and union documents of ``records`` generated records, as NDJSON (sorted
    keys, the clock's fields blanked, the file named without its
    temporary folder), written by the same code paths the phases time: run it
    before and after a change and compare the files to show the documents did not change.
    ``python -m bench.ingest_cpu --dump FILE [RECORDS]``."""
    import orjson

    clock = {"harvested_at", "first_seen", "updated_at"}
    with tempfile.TemporaryDirectory(prefix="mucluc-bench-cpu-") as tmp:
        marc = write_marc_file(Path(tmp) / "generated.mrc", records, seed=1)
        documents = _map(_read(marc))
    union = _union(clusters_by_key(documents))
    # the shared real files: MARC-8, lying leaders, legacy encodings, broken records
    shared = sorted(p for p in SHARED_DATA.rglob("*")
                    if p.suffix in {".mrc", ".dat"} and p.is_file())
    real: list[tuple[str, dict[str, Any]]] = []
    for path in shared:
        items = [i for i in read_path(path, library="BENCH") if isinstance(i, SourceRecord)]
        real += [(doc_id, doc if isinstance(doc, dict) else {"error": repr(doc)})
                 for doc_id, doc in prepare(items).items()]
    with target.open("wb") as out:
        for kind, pairs in (("records", documents), ("union", sorted(union.items())),
                            ("shared", real)):
            for doc_id, document in pairs:
                kept = {k: ("" if k in clock else Path(v).name if k == "source" else v)
                        for k, v in document.items()}
                out.write(orjson.dumps([kind, doc_id, kept], option=orjson.OPT_SORT_KEYS))
                out.write(b"\n")
    return target


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="mucluc-bench-cpu-") as tmp:
        load = os.getloadavg()[0]
        seconds = measure(Path(tmp))
        load = max(load, os.getloadavg()[0])
    best = {phase: min(values) for phase, values in seconds.items()}
    rows = [
        [phase, best[phase] * 1000 / RECORDS, values[0] * 1000 / RECORDS]
        for phase, values in seconds.items()
    ]
    total = sum(best.values())
    rows.append(["total", total * 1000 / RECORDS, sum(v[0] for v in seconds.values())
                 * 1000 / RECORDS])
    print(table(["phase", "CPU ms/record (best round)", "first round"], rows))
    print(f"({RECORDS:,} records, {ROUNDS} rounds, load average up to {load:.1f})")
    results = {"records": RECORDS, "seconds": seconds, "load_average": load}
    print(f"results: {write_results('ingest_cpu', results)}")
    return 0


if __name__ == "__main__":
    import sys

    if sys.argv[1:2] == ["--dump"]:
        print(dump_documents(Path(sys.argv[2]), *map(int, sys.argv[3:4])))
    else:
        sys.exit(main())
