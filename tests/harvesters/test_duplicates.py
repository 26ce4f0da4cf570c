"""The per-file duplicate table (harvesters.duplicates) answers exactly as a dict of every id
would, whether an id is still in memory or was moved to the temporary file."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import harvesters.duplicates
from harvesters.duplicates import DuplicateTable
from harvesters.files import read_guarded
from harvesters.records import Notice, RecordProblem, SourceRecord
from tests.marc_builders import book

IDS = st.text(alphabet="ab~1é", min_size=1, max_size=3)
DIGESTS = st.sampled_from([0, 1, 2**63 - 1, 2**63, 2**64 - 1])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(IDS, DIGESTS), max_size=60), st.integers(1, 8))
def test_table_answers_as_a_dict_of_every_id(records, memory):
    """The reader's use of the table (first version, or a new version renamed, or a repeat)
    against a plain dict holding every id: the same answers, spilled or not."""
    model: dict[str, dict[int, str]] = {}
    with DuplicateTable(memory=memory) as table:
        for local_id, digest in records:
            assert table.versions(local_id) == model.get(local_id)
            if local_id not in model:
                table.first(local_id, digest)
                model[local_id] = {digest: local_id}
            elif digest not in model[local_id]:
                given_id = f"{local_id}~{len(model[local_id]) + 1}"
                table.again(local_id, digest, given_id)
                model[local_id][digest] = given_id
        for local_id in model:
            assert table.versions(local_id) == model[local_id]
        if len(model) >= memory:
            assert table.spilled > 0


def outcome(item: object) -> tuple:
    if isinstance(item, SourceRecord):
        return ("record", item.local_id, item.checksum or item.marc()[1])
    assert isinstance(item, RecordProblem | Notice)
    return (type(item).__name__, item.kind if isinstance(item, Notice) else "", item.describe())


@pytest.mark.parametrize("memory", [1, 2, 7, 1000], ids=lambda m: f"memory-{m}")
def test_repeats_far_apart_in_a_file_are_merged_or_kept_apart(tmp_path: Path, monkeypatch,
                                                            memory):
    """Repeated 001s long after their first record (moved to disk by then): an exact repeat is
    merged, a different record kept apart as <id>~<n>, as with every id in memory."""
    ids = [f"R{n}" for n in range(12)]
    records = [book(i, f"Sách {i}") for i in ids]
    records += [book("R0", "Sách R0"), book("R1", "Sách khác"), book("R11", "Sách R11"),
                book("R1", "Sách khác"), book("R1", "Sách thứ ba"), book("R5", "Sách năm")]
    path = tmp_path / "repeats.mrc"
    path.write_bytes(b"".join(r.as_marc() for r in records))
    monkeypatch.setattr(harvesters.duplicates, "MEMORY", memory)
    got = [outcome(i) for i in read_guarded(path, library="L")]
    kinds = [o[1] for o in got if o[0] == "Notice"]
    assert kinds.count("merged") == 3  # R0, R11, the second "Sách khác" under R1~2
    assert [o[1] for o in got if o[0] == "record"] == [
        *ids, "R1~2", "R1~3", "R5~2"]
    monkeypatch.setattr(harvesters.duplicates, "MEMORY", 1_000_000)
    assert got == [outcome(i) for i in read_guarded(path, library="L")]
