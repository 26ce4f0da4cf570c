"""A reload does not decode a record whose bytes the store holds under its 001
(harvesters.unchanged): what it yields must be what decoding would have given, and a record
with any byte changed must always be decoded."""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harvesters.files import read_guarded
from harvesters.marc_files import WINDOW, read_marc
from harvesters.records import Notice, RecordProblem, SourceRecord
from harvesters.unchanged import KNOWN, KnownRecords, Passed, Stored, raw_hash
from tests.marc_builders import book

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


class Store:
    """The stored records of one library as the Loader keeps them (id → Stored); counts the
    fetches (one per window of records)."""

    def __init__(self, stored: Mapping[str, Stored] | None = None) -> None:
        self.stored = dict(stored or {})
        self.fetches = 0

    def fetch(self, library: str, ids: list[str]) -> dict[str, Stored]:
        self.fetches += 1
        return {i: self.stored[i] for i in ids if i in self.stored}


def read(path: Path, known: KnownRecords | None = None) -> list:
    token = KNOWN.set(known)
    try:
        return list(read_guarded(path, library="L"))
    finally:
        KNOWN.reset(token)


def stored_from(items: list) -> dict[str, Stored]:
    """What a load of these items stores: the records with a raw hash, by local id."""
    return {
        item.local_id: Stored(item.raw_hash, item.checksum or item.marc()[1], tuple(item.repairs))
        for item in items
        if isinstance(item, SourceRecord) and item.raw_hash
    }


def outcome(item: object) -> tuple:
    """What the Loader sees of an item: kind, id, checksum and repairs, or the report line."""
    if isinstance(item, SourceRecord):
        checksum = item.checksum if item.unchanged else item.checksum or item.marc()[1]
        return ("record", item.local_id, checksum, [vars(r) for r in item.repairs])
    assert isinstance(item, RecordProblem | Notice)
    return (type(item).__name__, item.describe())


def write(path: Path, *records: bytes) -> Path:
    path.write_bytes(b"".join(records))
    return path


KIEU = book("DB-1", "Truyện Kiều", author="Nguyễn Du").as_marc()
KIEU_AGAIN = book("DB-1", "Truyện Kiều", author="Nguyễn Du", year=2020).as_marc()
TAT_DEN = book("DB-2", "Tắt đèn", author="Ngô Tất Tố").as_marc()
NO_001 = book("", "Số đỏ", author="Vũ Trọng Phụng").as_marc()


@pytest.mark.parametrize(
    ("name", "skipped"),
    [
        ("pymarc/marc8.dat", 1),
        ("pymarc/utf8_without_leader_flag.dat", 1),
        ("pymarc/bad_records.mrc", 0),  # no 001 in any record: ids from positions
        ("pymarc/utf8_errors.dat", 1),
        ("pymarc/diacritic.dat", 1),
        ("marc4j/brkrtest.mrc", 8),
        ("marc4j/bad_hathi_records.mrc", 4),
        ("marc4j/incomplete_esc_seq.mrc", 1),
        ("marc4j/bad_leaders_10_11.mrc", 1),
        ("marc4j/chinese_mangled_multibyte.mrc", 1),
        # 349 records, 298 with their own 001; records with lying framing are always decoded
        ("marc4j/pride-and-prejudice-with-many-errors.mrc", 284),
    ],
    ids=lambda v: str(v),
)
def test_a_reload_of_a_shared_file_gives_what_decoding_gave(name: str, skipped: int) -> None:
    path = SHARED / name
    first = read(path)
    store = Store(stored_from(first))
    second = read(path, KnownRecords(store.fetch))
    assert [outcome(i) for i in second] == [outcome(i) for i in first]
    assert sum(isinstance(i, SourceRecord) and i.unchanged for i in second) == skipped


@pytest.mark.parametrize(
    ("records", "skipped"),
    [
        ((KIEU, TAT_DEN), ["DB-1", "DB-2"]),
        ((KIEU, KIEU), ["DB-1"]),  # the exact repeat is decoded, then merged as before
        ((KIEU, KIEU_AGAIN), ["DB-1"]),  # the other record under DB-1 is still DB-1~2
        ((KIEU, KIEU_AGAIN, KIEU), ["DB-1"]),
        ((NO_001, TAT_DEN), ["DB-2"]),  # an id made from the position is never skipped
    ],
    ids=["two-records", "exact-repeat", "same-id-other-record", "repeat-after-other",
         "no-001"],
)
def test_repeated_ids_are_accounted_as_when_decoded(
    tmp_path: Path, records: tuple[bytes, ...], skipped: list[str]
) -> None:
    path = write(tmp_path / "file.mrc", *records)
    first = read(path)
    second = read(path, KnownRecords(Store(stored_from(first)).fetch))
    assert [outcome(i) for i in second] == [outcome(i) for i in first]
    assert [i.local_id for i in second if isinstance(i, SourceRecord) and i.unchanged] == skipped


def test_an_id_already_passed_in_the_load_is_decoded(tmp_path: Path) -> None:
    """Another file of the same load delivered DB-1 first: the store may not hold it yet."""
    path = write(tmp_path / "file.mrc", KIEU, TAT_DEN)
    known = KnownRecords(Store(stored_from(read(path))).fetch)
    known.pass_("L", "DB-1")
    items = read(path, known)
    assert [i.local_id for i in items if isinstance(i, SourceRecord) and i.unchanged] == ["DB-2"]


def test_a_changed_record_under_a_stored_id_is_decoded(tmp_path: Path) -> None:
    stored = stored_from(read(write(tmp_path / "old.mrc", KIEU, TAT_DEN)))
    items = read(write(tmp_path / "new.mrc", KIEU_AGAIN, TAT_DEN),
                 KnownRecords(Store(stored).fetch))
    records = [i for i in items if isinstance(i, SourceRecord)]
    assert [(r.local_id, r.unchanged) for r in records] == [("DB-1", False), ("DB-2", True)]
    assert records[0].record is not None and records[0].checksum != stored["DB-1"].checksum


def test_one_fetch_per_window_and_none_without_a_consumer(tmp_path: Path) -> None:
    records = [book(f"DB-{n}", f"Sách {n}").as_marc() for n in range(WINDOW + 1)]
    path = write(tmp_path / "many.mrc", *records)
    first = read(path)
    assert all(isinstance(i, Notice) or not i.unchanged for i in first)
    store = Store(stored_from(first))
    second = read(path, KnownRecords(store.fetch))
    assert store.fetches == 2
    assert sum(isinstance(i, SourceRecord) and i.unchanged for i in second) == WINDOW + 1


def test_a_store_that_cannot_answer_means_every_record_is_decoded(tmp_path: Path) -> None:
    def failing(library: str, ids: list[str]) -> dict[str, Stored]:
        raise TimeoutError("the engine is busy")

    path = write(tmp_path / "file.mrc", KIEU, TAT_DEN)
    items = read(path, KnownRecords(failing))
    assert [outcome(i) for i in items] == [outcome(i) for i in read(path)]


def _items(data: bytes, known: KnownRecords) -> Iterator[object]:
    token = KNOWN.set(known)
    try:
        yield from read_marc(io.BytesIO(data), source="t.mrc", library="L")
    finally:
        KNOWN.reset(token)


def _known(original: bytes) -> KnownRecords:
    (item,) = _items(original, KnownRecords(Store().fetch))
    assert isinstance(item, SourceRecord) and item.raw_hash == raw_hash(original)
    return KnownRecords(Store({item.local_id: Stored(item.raw_hash, item.marc()[1])}).fetch)


@pytest.mark.parametrize("original", [KIEU, TAT_DEN], ids=["kieu", "tat-den"])
def test_the_unchanged_record_itself_is_skipped(original: bytes) -> None:
    (item,) = _items(original, _known(original))
    assert isinstance(item, SourceRecord) and item.unchanged and item.record is None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_byte_changed_means_the_record_is_decoded(data: st.DataObject) -> None:
    original = data.draw(st.sampled_from([KIEU, TAT_DEN]))
    start = data.draw(st.integers(0, len(original) - 1))
    end = data.draw(st.integers(start, min(len(original), start + 4)))
    replacement = data.draw(st.binary(max_size=4))
    changed = original[:start] + replacement + original[end:]
    if changed == original:
        return
    items = list(_items(changed, _known(original)))
    skipped = [i for i in items if isinstance(i, SourceRecord) and i.unchanged]
    if original in changed:  # bytes added before or after the record: the record is intact
        decoded = list(_items(changed, KnownRecords(Store().fetch)))
        assert [outcome(i) for i in items] == [outcome(i) for i in decoded]
        return
    assert not skipped


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["L", "M"]), st.text(max_size=20)), max_size=50))
def test_an_id_passed_is_always_found(ids: list[tuple[str, str]]) -> None:
    passed = Passed()
    for library, local_id in ids:
        passed.add(library, local_id)
    assert all(key in passed for key in ids)


def test_ids_never_passed_are_almost_never_found() -> None:
    passed = Passed()
    for n in range(100_000):
        passed.add("L", f"DB-{n}")
    assert sum(("L", f"DB-{n}") in passed for n in range(100_000, 110_000)) <= 1
    assert ("M", "DB-1") not in passed
