"""The fast UTF-8 decoder (harvesters.marc_encoding.utf8_record) makes what pymarc makes.

Every record it reads must equal pymarc's reading of the same bytes, field by field; every
record pymarc refuses or warns about, it must leave to pymarc (None).
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import pymarc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harvesters.marc_encoding import utf8_record
from mucluc.demo.generate import generate_records

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


def _shape(record: pymarc.Record) -> tuple[object, ...]:
    fields = tuple(
        (type(f).__name__, f.tag, f.control_field, f.data, f.indicators,
         tuple(f.subfields))
        for f in record.fields
    )
    return (type(record.leader).__name__, str(record.leader), record.force_utf8,
            record.to_unicode, fields)


def _pymarc(chunk: bytes) -> pymarc.Record | None:
    """pymarc's reading, or None when it raises, warns or logs (the fast path must not read
    those)."""
    logger = logging.getLogger("pymarc")
    logged: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            logged.append(record)

    handler = Keep()
    logger.addHandler(handler)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            return pymarc.Record(data=chunk, to_unicode=True, force_utf8=True,
                                 hide_utf8_warnings=True, utf8_handling="strict")
    except Exception:  # noqa: BLE001 - any refusal
        return None
    finally:
        logger.removeHandler(handler)
        if logged:
            return None  # noqa: B012 - a warning logged: not a well-formed record


def _agree(chunk: bytes) -> None:
    fast = utf8_record(chunk)
    slow = _pymarc(chunk)
    if fast is None:
        return  # pymarc reads it (tested by the rest of the suite)
    assert slow is not None, "the fast path read a record pymarc refuses or warns about"
    assert _shape(fast) == _shape(slow)


_TEXT = st.text(st.sampled_from("aZ09 .:/-đĐơưễỗ傲慢\x1f\x1e$é\u0301"), max_size=12)
_CODE = st.sampled_from(["a", "b", "c", "6", "z", "é", "", "ab"])
_INDICATOR = st.sampled_from([" ", "0", "1", "é", ""])


@st.composite
def records(draw: st.DrawFn) -> bytes:
    record = pymarc.Record(force_utf8=True)
    for _ in range(draw(st.integers(1, 5))):
        tag = draw(st.sampled_from(["001", "005", "008", "020", "245", "650", "952", "00A"]))
        if tag < "010" and tag.isdigit():
            record.add_field(pymarc.Field(tag=tag, data=draw(_TEXT)))
        else:
            record.add_field(pymarc.Field(
                tag=tag,
                indicators=pymarc.Indicators(draw(_INDICATOR), draw(_INDICATOR)),
                subfields=[pymarc.Subfield(draw(_CODE), draw(_TEXT))
                           for _ in range(draw(st.integers(0, 3)))]))
    return record.as_marc()


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(chunk=records(), damage=st.lists(st.tuples(st.integers(0, 400), st.integers(0, 255)),
                                        max_size=3))
def test_random_records_read_as_pymarc_reads_them(
    chunk: bytes, damage: list[tuple[int, int]]
) -> None:
    """Records with odd indicators, empty or multi-letter codes, delimiters and terminators in
    the text, then up to three bytes replaced anywhere (leader, directory, fields)."""
    data = bytearray(chunk)
    for at, byte in damage:
        if at < len(data):
            data[at] = byte
    _agree(bytes(data))


def test_generated_records_are_read_fast_and_alike() -> None:
    read = 0
    for record in generate_records(300, seed=5):
        chunk = record.as_marc()
        _agree(chunk)
        read += utf8_record(chunk) is not None
    assert read == 300  # the fast path is taken for ordinary records


@pytest.mark.parametrize("path", sorted(p.name for p in (SHARED / "marc4j").glob("*.mrc"))
                         + sorted(p.name for p in (SHARED / "pymarc").glob("*.*")))
def test_shared_real_files_read_as_pymarc_reads_them(path: str) -> None:
    file = next(SHARED / d / path for d in ("marc4j", "pymarc") if (SHARED / d / path).exists())
    for chunk in file.read_bytes().split(b"\x1d"):
        if len(chunk) > 24:
            _agree(chunk + b"\x1d")


def _honest() -> bytes:
    return next(iter(generate_records(1, seed=6))).as_marc()


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda c: b"%05d" % (len(c) + 1) + c[5:], id="length-beyond-the-bytes"),
        pytest.param(lambda c: c[:12] + b"00000" + c[17:], id="base-address-zero"),
        pytest.param(lambda c: c[:12] + b"%05d" % len(c) + c[17:], id="base-address-at-the-end"),
        pytest.param(lambda c: c[:12] + b"%05d" % (int(c[12:17]) - 1) + c[17:],
                     id="directory-not-whole-entries"),
        pytest.param(lambda c: c[:12] + b"00025" + c[17:], id="no-directory"),
        pytest.param(lambda c: c[:9] + "é".encode() + c[11:], id="leader-not-ascii"),
    ],
)
def test_what_pymarc_refuses_is_left_to_pymarc(damage) -> None:  # type: ignore[no-untyped-def]
    chunk = damage(_honest())
    assert _pymarc(chunk) is None
    assert utf8_record(chunk) is None
