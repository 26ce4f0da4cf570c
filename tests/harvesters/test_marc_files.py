"""MARC files from other projects (../shared/data): encodings, lying leaders, broken records."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from harvesters.marc_files import read_file, read_marc
from harvesters.records import RecordProblem, SourceRecord
from indexer.marc_document import record_fields
from tests.marc_builders import book


def _split(items):  # type: ignore[no-untyped-def]
    items = list(items)
    return (
        [i for i in items if isinstance(i, SourceRecord)],
        [i for i in items if isinstance(i, RecordProblem)],
    )


@pytest.mark.parametrize(
    ("name", "good", "bad"),
    [
        ("pymarc/marc8.dat", 1, 0),
        ("pymarc/utf8_with_leader_flag.dat", 1, 0),
        ("pymarc/utf8_without_leader_flag.dat", 1, 0),
        ("pymarc/bad_records.mrc", 6, 2),  # 4 salvaged from lying leaders/directories
        ("marc4j/brkrtest.mrc", 8, 0),
        ("marc4j/brkrtest_UTF8.mrc", 8, 0),
        ("marc4j/bad_hathi_records.mrc", 4, 1),
        ("marc4j/incomplete_esc_seq.mrc", 1, 0),  # broken MARC-8 read byte for byte
        ("pymarc/utf8.xml", 1, 0),
        ("pymarc_dedupe/alma_marc_records.xml", 122, 0),
    ],
    ids=lambda v: str(v),
)
def test_shared_files_read_record_by_record(
    shared_data: Path, name: str, good: int, bad: int
) -> None:
    records, problems = _split(read_file(shared_data / name))
    assert (len(records), len(problems)) == (good, bad)
    for problem in problems:
        assert problem.reason and problem.offset is not None


def test_marc8_and_utf8_give_the_same_documents(shared_data: Path) -> None:
    marc8, _ = _split(read_file(shared_data / "marc4j/brkrtest.mrc"))
    utf8, _ = _split(read_file(shared_data / "marc4j/brkrtest_UTF8.mrc"))
    assert [record_fields(r.record) for r in marc8] == [record_fields(r.record) for r in utf8]


def test_leader_that_lies_about_utf8(shared_data: Path) -> None:
    (lying,), _ = _split(read_file(shared_data / "pymarc/utf8_without_leader_flag.dat"))
    (honest,), _ = _split(read_file(shared_data / "pymarc/utf8_with_leader_flag.dat"))
    assert record_fields(lying.record) == record_fields(honest.record)


def test_lying_base_address_is_salvaged_and_reported_as_a_repair() -> None:
    first = book("VN-1", "Truyện Kiều", author="Nguyễn Du").as_marc()
    broken = bytearray(book("VN-2", "Số đỏ", author="Vũ Trọng Phụng").as_marc())
    broken[12:17] = b"99999"  # base address beyond the record
    last = book("VN-3", "Dế Mèn phiêu lưu ký", author="Tô Hoài").as_marc()
    records, problems = _split(
        read_marc(io.BytesIO(first + bytes(broken) + last), source="test.mrc")
    )
    assert [r.local_id for r in records] == ["VN-1", "VN-2", "VN-3"] and not problems
    assert records[1].offset == len(first)
    assert records[1].record["245"]["a"].startswith("Số đỏ")
    assert [r.kind for r in records[1].repairs] == ["framing"]
    assert "base address" in records[1].repairs[0].after


def test_record_without_a_directory_is_reported_with_offset_and_id() -> None:
    first = book("VN-1", "Truyện Kiều", author="Nguyễn Du").as_marc()
    broken = b"00040nam a2200025 a 4500" + b"no directory here\x1d"
    records, problems = _split(read_marc(io.BytesIO(first + broken), source="test.mrc"))
    assert [r.local_id for r in records] == ["VN-1"]
    assert len(problems) == 1 and problems[0].offset == len(first)
    assert "record 2" in problems[0].reason


def test_garbage_length_skips_to_the_next_record() -> None:
    good = book("VN-9", "Vợ chồng A Phủ", author="Tô Hoài").as_marc()
    records, problems = _split(read_marc(io.BytesIO(b"garbage\x1d" + good), source="x.mrc"))
    assert [r.local_id for r in records] == ["VN-9"]
    assert len(problems) == 1


def test_truncated_file_reports_the_last_record() -> None:
    good = book("VN-1", "Truyện Kiều").as_marc()
    records, problems = _split(read_marc(io.BytesIO(good + good[:40]), source="cut.mrc"))
    assert len(records) == 1
    assert "ends inside the record" in problems[0].reason


@pytest.mark.parametrize(
    "prolog",
    [
        b'<!DOCTYPE c [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
        b'<!DOCTYPE c [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>',
        b'<!DOCTYPE c SYSTEM "http://127.0.0.1:9/evil.dtd">',
    ],
    ids=["xxe", "billion-laughs", "external-dtd"],
)
def test_hostile_marcxml_is_refused(tmp_path: Path, prolog: bytes) -> None:
    from mucluc.core.errors import SourceError

    body = b'<collection xmlns="http://www.loc.gov/MARC21/slim"><record><leader>' + b" " * 24
    body += b'</leader><datafield tag="245" ind1="0" ind2="0"><subfield code="a">&x;</subfield>'
    body += b"</datafield></record></collection>"
    path = tmp_path / "hostile.xml"
    path.write_bytes(b'<?xml version="1.0"?>' + prolog + body)
    with pytest.raises(SourceError, match="refused"):
        list(read_file(path))


def test_large_marcxml_streams_past_the_peeked_head(tmp_path: Path) -> None:
    records = b"".join(
        b'<record><controlfield tag="001">R%d</controlfield><datafield tag="245" ind1="0" '
        b'ind2="0"><subfield code="a">Thi\xe1\xbb\x87u nhi %d</subfield></datafield></record>'
        % (n, n)
        for n in range(2000)
    )
    path = tmp_path / "big.xml"
    path.write_bytes(
        b'<collection xmlns="http://www.loc.gov/MARC21/slim">' + records + b"</collection>"
    )
    found, problems = _split(read_file(path))
    assert not problems
    assert [r.local_id for r in found] == [f"R{n}" for n in range(2000)]
