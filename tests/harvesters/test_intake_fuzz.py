"""Property tests of the intake readers (issue #20, point 7): real files from ../shared/data and
files built here are mutated (bytes flipped, cut, inserted; leaders that lie; rows shuffled; zip
members corrupted). Whatever the mutation, no exception escapes the reader, every framed record
is accounted for exactly once, and every record the mutation did not touch comes through intact.

No timing is asserted: each reader's loop consumes input on every step by construction, and the
item counts below are bounded by the input's record count, which is what "bounded" means here.
"""

from __future__ import annotations

import io
import random
import zipfile
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harvesters.files import read_guarded
from harvesters.records import Notice, RecordProblem, SourceRecord
from tests.marc_builders import book

FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])
REAL_MARC = ["pymarc/test.dat", "pymarc/marc8.dat", "marc4j/brkrtest.mrc",
             "pymarc/regression45.dat", "solrmarc-sw/diacriticTests.mrc"]
TITLES = ["Truyện Kiều", "Dế Mèn phiêu lưu ký", "Tắt đèn", "Số đỏ", "Vợ chồng A Phủ",
          "Đất rừng phương Nam", "Sử thi Tây Nguyên", "Chí Phèo", "Nhật ký trong tù", "Bỉ vỏ"]


def built_file() -> bytes:
    return b"".join(book(f"DB-{n}", title, author="Tô Hoài").as_marc()
                    for n, title in enumerate(TITLES))


def read(path: Path) -> tuple[list[SourceRecord], list[RecordProblem], list[Notice]]:
    items = list(read_guarded(path, library="X"))
    return ([i for i in items if isinstance(i, SourceRecord)],
            [i for i in items if isinstance(i, RecordProblem)],
            [i for i in items if isinstance(i, Notice)])


def chunks(data: bytes) -> list[tuple[int, int]]:
    """(start, end) of each record: up to and including its terminator."""
    spans, start = [], 0
    for at, byte in enumerate(data):
        if byte == 0x1D:
            spans.append((start, at + 1))
            start = at + 1
    return spans


def title_of(record: SourceRecord) -> str:
    assert record.record is not None
    fields = record.record.get_fields("245")
    return fields[0].get_subfields("a")[0] if fields and fields[0].get_subfields("a") else ""


mutation = st.tuples(
    st.sampled_from(["flip", "cut", "insert", "length", "base"]),
    st.integers(min_value=0, max_value=10**6),  # which record
    st.integers(min_value=0, max_value=10**6),  # where in it
    st.binary(min_size=1, max_size=12).map(lambda b: b.replace(b"\x1d", b"\x1e")),
    st.integers(min_value=-200, max_value=200),
)


def mutate(data: bytes, spec: tuple[str, int, int, bytes, int]) -> tuple[bytes, int]:
    """``data`` with one record changed (its terminator never touched); the record's index."""
    kind, which, where, payload, delta = spec
    spans = chunks(data)
    index = which % len(spans)
    start, end = spans[index]
    body = bytearray(data[start : end - 1])
    at = where % max(len(body), 1)
    if kind == "flip":
        body[at] = (body[at] ^ payload[0]) if (body[at] ^ payload[0]) != 0x1D else 0x20
    elif kind == "cut":
        del body[at : at + len(payload) * 4]
    elif kind == "insert":
        body[at:at] = payload
    elif kind == "length":
        body[0:5] = b"%05d" % max(0, min(99999, len(body) + 1 + delta))
    else:
        body[12:17] = b"%05d" % max(0, min(99999, int(body[12:17] or b"0") + delta)) \
            if body[12:17].isdigit() else b"00000"
    return data[:start] + bytes(body) + data[end - 1 :], index


def check_untouched(before: bytes, after: bytes, index: int, tmp: Path) -> None:
    (tmp / "before.mrc").write_bytes(before)
    (tmp / "after.mrc").write_bytes(after)
    base, _, _ = read(tmp / "before.mrc")
    records, problems, notices = read(tmp / "after.mrc")
    merged = [n for n in notices if n.kind == "merged"]
    spans = chunks(after)
    # Every framed record is exactly one item: stored, skipped or merged.
    assert len(records) + len(problems) + len(merged) == len(spans)
    touched = spans[index][0]
    lo, hi = chunks(before)[index]
    expected = Counter(title_of(r) for r in base if not lo <= (r.offset or 0) < hi)
    got = Counter(title_of(r) for r in records if r.offset != touched)
    assert not expected - got, f"lost: {expected - got}"


@FUZZ
@given(spec=mutation)
def test_built_file_mutated_loses_only_the_mutated_record(tmp_path: Path, spec) -> None:  # type: ignore[no-untyped-def]
    data = built_file()
    changed, index = mutate(data, spec)
    check_untouched(data, changed, index, tmp_path)


@FUZZ
@given(name=st.sampled_from(REAL_MARC), spec=mutation)
def test_real_file_mutated_loses_only_the_mutated_record(
    tmp_path: Path, shared_data: Path, name: str, spec  # type: ignore[no-untyped-def]
) -> None:
    data = (shared_data / name).read_bytes()
    changed, index = mutate(data, spec)
    check_untouched(data, changed, index, tmp_path)


@FUZZ
@given(cut=st.integers(min_value=0, max_value=10**6), junk=st.binary(max_size=64))
def test_any_prefix_or_junk_never_raises(tmp_path: Path, shared_data: Path, cut: int,
                                         junk: bytes) -> None:
    data = (shared_data / "pymarc/test.dat").read_bytes()
    path = tmp_path / "x.mrc"
    path.write_bytes(junk + data[: cut % (len(data) + 1)])
    records, problems, notices = read(path)
    assert len(records) + len(problems) <= path.read_bytes().count(b"\x1d") + 1
    assert records or problems or notices  # an empty result still says something


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    book_ = openpyxl.Workbook()
    for row in rows:
        book_.active.append(row)
    out = io.BytesIO()
    book_.save(out)
    return out.getvalue()


ROWS = [["Số ĐKCB", "Tên sách", "Tác giả", "SL"]] + [
    [f"MP-{n}", title, "Tô Hoài", n % 3 + 1] for n, title in enumerate(TITLES)]


@FUZZ
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_shuffled_rows_give_the_same_books_under_the_same_ids(tmp_path: Path, seed: int) -> None:
    shuffled = ROWS[1:]
    random.Random(seed).shuffle(shuffled)
    without_ids = [row[1:] for row in [ROWS[0], *shuffled]]
    (tmp_path / "a.xlsx").write_bytes(xlsx_bytes([row[1:] for row in ROWS]))
    (tmp_path / "b.xlsx").write_bytes(xlsx_bytes(without_ids))
    (tmp_path / "c.xlsx").write_bytes(xlsx_bytes([ROWS[0], *shuffled]))
    a, b, c = (read(tmp_path / f"{n}.xlsx")[0] for n in "abc")
    assert {r.local_id for r in a} == {r.local_id for r in b} and len(a) == len(TITLES)
    assert {r.local_id for r in c} == {f"MP-{n}" for n in range(len(TITLES))}


@FUZZ
@given(member=st.integers(min_value=0, max_value=100), where=st.integers(min_value=0),
       payload=st.binary(min_size=1, max_size=32))
def test_corrupt_zip_members_never_raise(tmp_path: Path, member: int, where: int,
                                         payload: bytes) -> None:
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(ROWS)))
    names = source.namelist()
    target = names[member % len(names)]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as damaged:
        for name in names:
            data = source.read(name)
            if name == target:
                at = where % (len(data) + 1)
                data = data[:at] + payload + data[at + len(payload):]
            damaged.writestr(name, data)
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(out.getvalue())
    records, problems, notices = read(path)
    assert len(records) + len(problems) <= len(ROWS)
    assert records or problems or notices
    if not records:
        assert any(n.kind in {"file", "empty"} for n in notices) or problems


@pytest.mark.parametrize("data", [b"", b"\x00" * 10, b"PK", b"<?xml version='1.0'?><x/>",
                                  b"\xd0\xcf\x11\xe0" + b"\x00" * 50],
                         ids=["empty", "zeros", "pk", "xml-not-marc", "ole"])
@pytest.mark.parametrize("suffix", [".mrc", ".xml", ".xlsx", ".xls", ".csv", ".bin"])
def test_degenerate_files_say_something_and_never_raise(tmp_path: Path, data: bytes,
                                                        suffix: str) -> None:
    path = tmp_path / f"f{suffix}"
    path.write_bytes(data)
    records, problems, notices = read(path)
    assert not records
    assert problems or [n for n in notices if n.kind in {"file", "empty"}]
