"""``python -m bench dedup``: precision and recall of "same book" decisions (no engine needed).

Three sets, each scored pairwise (a pair is a true positive when both the truth and Mục lục say
"same book"):

a. **pymarc_dedupe** (Princeton / ReCAP, human-labelled pairs): the 101 labelled pairs of
   `data_matching_training.json` (their own field extract) and the 51 labelled id pairs of
   `train_short_labels.csv` over `marc_records.json` (full MARC, mapped by `record_fields`).
   Each pair is decided by `indexer.matching.verify`.
b. **marc4j pride-and-prejudice-fixed.mrc**: every pair of records that carry ISBNs; truth is
   "share an ISBN". The decision is taken *without* the ISBNs, ISSNs and other identifiers
   (title, author, year, pages, volume and edition rules only), or the test would be circular.
c. **The project's Vietnamese multi-library set** (`bench.vietnamese_dedup_set`): every record is
   clustered by `indexer.clusters.cluster_records`, as the Loader does, and every pair of records
   is scored (same cluster vs same truth id). Targets: precision ≥ 0.99, recall ≥ 0.95.

Data is read from ../shared/data beside the repository, never copied into it.
"""

from __future__ import annotations

import csv
import dataclasses
import itertools
import json
import re
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pymarc

from bench.common import SHARED_DATA, table, write_results
from indexer.clusters import cluster_records
from indexer.marc_document import MATERIAL_TYPES, RecordFields, record_fields
from indexer.matching import verify
from indexer.profiles import profile

TARGET_PRECISION = 0.99
TARGET_RECALL = 0.95


@dataclasses.dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, truth: bool, decided: bool) -> None:
        if truth and decided:
            self.tp += 1
        elif decided:
            self.fp += 1
        elif truth:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def as_dict(self) -> dict[str, Any]:
        return {
            **dataclasses.asdict(self),
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
        }


def _pages(text: str | None) -> int | None:
    numbers = [int(n) for n in re.findall(r"\d+", text or "")]
    return max(numbers) if numbers else None


def _training_fields(row: dict[str, Any]) -> RecordFields:
    year = row.get("publication_year") or ""
    return RecordFields(
        title=row.get("title") or "",
        authors=[row["author"]] if row.get("author") else [],
        year=int(year) if str(year).isdigit() else None,
        pages=_pages(row.get("pagination")),
        edition=row.get("edition") or "",
        publisher=row.get("publisher_name") or "",
        type=MATERIAL_TYPES.get(row.get("type_of") or "a", "book")
        + ("-electronic" if row.get("is_electronic_resource") else ""),
    )


def score_pymarc_dedupe(data: Path) -> dict[str, Score]:
    folder = data / "pymarc_dedupe"
    training = json.loads((folder / "data_matching_training.json").read_text(encoding="utf-8"))
    labelled = Score()
    for label, truth in (("match", True), ("distinct", False)):
        for pair in training[label]:
            first, second = pair["__value__"]
            verdict = verify(profile(_training_fields(first)), profile(_training_fields(second)))
            labelled.add(truth, verdict.same)
    # The labelled ids are those of train_short_output.csv (one row of fields per record).
    fields: dict[str, RecordFields] = {}
    with (folder / "train_short_output.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            fields[row["id"]] = _training_fields(
                {**row, "is_electronic_resource": row.get("is_electronic_resource") == "True"}
            )
    short = Score()
    with (folder / "train_short_labels.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["id1"] in fields and row["id2"] in fields:
                verdict = verify(profile(fields[row["id1"]]), profile(fields[row["id2"]]))
                short.add(row["label"] == "1", verdict.same)
    return {"data_matching_training.json": labelled, "train_short_labels.csv": short}


def score_pride_and_prejudice(data: Path) -> tuple[Score, int]:
    path = data / "marc4j" / "pride-and-prejudice-fixed.mrc"
    with path.open("rb") as handle:
        reader = pymarc.MARCReader(handle, to_unicode=True, force_utf8=True, permissive=True)
        records = [record_fields(r) for r in reader if r is not None]
    with_isbn = [f for f in records if f.isbns]
    blind = [profile(dataclasses.replace(f, isbns=[], issns=[], other_ids=[])) for f in with_isbn]
    score = Score()
    for i, j in itertools.combinations(range(len(with_isbn)), 2):
        truth = bool(set(with_isbn[i].isbns) & set(with_isbn[j].isbns))
        score.add(truth, verify(blind[i], blind[j]).same)
    return score, len(with_isbn)


def _pairs(groups: Iterable[list[str]]) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for members in groups:
        found.update(itertools.combinations(sorted(members), 2))
    return found


def score_vietnamese(legacy_rate: float = 0.1) -> tuple[Score, dict[str, Any]]:
    from bench.vietnamese_dedup_set import records

    generated = records(legacy_rate=legacy_rate)
    truth: dict[str, str] = {}
    fields: dict[str, RecordFields] = {}
    for number, (book, record) in enumerate(generated):
        record_id = f"{record['001'].data}#{number}"
        truth[record_id] = book
        fields[record_id] = record_fields(record)
    started = time.perf_counter()
    assignment = cluster_records(fields)
    seconds = time.perf_counter() - started
    by_truth: dict[str, list[str]] = {}
    by_cluster: dict[str, list[str]] = {}
    for record_id in fields:
        by_truth.setdefault(truth[record_id], []).append(record_id)
        by_cluster.setdefault(assignment[record_id], []).append(record_id)
    true_pairs = _pairs(by_truth.values())
    found_pairs = _pairs(by_cluster.values())
    total = len(fields) * (len(fields) - 1) // 2
    tp = len(true_pairs & found_pairs)
    score = Score(
        tp=tp,
        fp=len(found_pairs - true_pairs),
        fn=len(true_pairs - found_pairs),
        tn=total - len(true_pairs | found_pairs),
    )
    misses = Counter(
        verify(profile(fields[a]), profile(fields[b])).reason for a, b in true_pairs - found_pairs
    )
    wrong = Counter(
        f"{truth[a].split('-')[-1] if '-' in truth[a] else 'base'}/"
        f"{truth[b].split('-')[-1] if '-' in truth[b] else 'base'}"
        for a, b in found_pairs - true_pairs
    )
    details = {
        "records": len(fields),
        "books": len(by_truth),
        "clusters": len(by_cluster),
        "cluster_seconds": round(seconds, 2),
        "missed_pairs_by_reason": dict(misses.most_common()),
        "false_pairs_by_kind": dict(wrong.most_common()),
    }
    return score, details


def main() -> int:
    data = SHARED_DATA
    rows: list[list[object]] = []
    results: dict[str, Any] = {}
    for name, score in score_pymarc_dedupe(data).items():
        rows.append(
            [
                f"(a) pymarc_dedupe {name}",
                score.tp + score.fn,
                score.tp + score.fp,
                score.precision,
                score.recall,
            ]
        )
        results[f"a:{name}"] = score.as_dict()
    pride, with_isbn = score_pride_and_prejudice(data)
    rows.append(
        [
            "(b) pride-and-prejudice, ISBN truth, decided without identifiers",
            pride.tp + pride.fn,
            pride.tp + pride.fp,
            pride.precision,
            pride.recall,
        ]
    )
    results["b:pride-and-prejudice"] = {**pride.as_dict(), "records_with_isbn": with_isbn}
    vietnamese, details = score_vietnamese()
    rows.append(
        [
            "(c) Vietnamese multi-library set, clusters",
            vietnamese.tp + vietnamese.fn,
            vietnamese.tp + vietnamese.fp,
            vietnamese.precision,
            vietnamese.recall,
        ]
    )
    results["c:vietnamese"] = {**vietnamese.as_dict(), **details}
    clean, _ = score_vietnamese(legacy_rate=0.0)
    rows.append(
        [
            "(c) the same set without TCVN3 mojibake",
            clean.tp + clean.fn,
            clean.tp + clean.fp,
            clean.precision,
            clean.recall,
        ]
    )
    results["c:vietnamese-no-tcvn3"] = clean.as_dict()
    print(table(["set", "true pairs", "pairs said same", "precision", "recall"], rows))
    print(
        f"(c) {details['records']} records of {details['books']} books → "
        f"{details['clusters']} clusters in {details['cluster_seconds']} s"
    )
    print(f"(c) missed pairs by the rule that refused them: {details['missed_pairs_by_reason']}")
    print(f"(c) wrongly joined pairs by kind: {details['false_pairs_by_kind']}")
    path = write_results("dedup", results)
    print(f"results: {path}")
    ok = vietnamese.precision >= TARGET_PRECISION and vietnamese.recall >= TARGET_RECALL
    if not ok:
        print(f"(c) below target (precision ≥ {TARGET_PRECISION}, recall ≥ {TARGET_RECALL})")
    return 0 if ok else 1
