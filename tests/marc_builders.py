"""Small builders of MARC records for tests (the project's own Vietnamese records)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pymarc


def book(
    control: str,
    title: str,
    *,
    author: str = "",
    year: int | None = 2019,
    publisher: str = "Nxb. Kim Đồng",
    isbn: str = "",
    subjects: tuple[str, ...] = (),
    call_number: str = "",
    copies: int = 0,
    part: str = "",
    subtitle: str = "",
    edition: str = "",
    pages: int | None = None,
    series: str = "",
    series_number: str = "",
    identifiers: tuple[str, ...] = (),
    language: str = "vie",
    record_type: str = "a",
    nonfiling: int = 0,
) -> pymarc.Record:
    """A UTF-8 MARC 21 record with the fields the mapping reads: a book unless ``record_type``
    (leader/06, e.g. ``"e"`` for a map) says otherwise; ``language`` is 008/35-37."""
    record = pymarc.Record(force_utf8=True)
    record.leader = pymarc.Leader(f"00000n{record_type}m a2200000 a 4500")
    record.add_field(pymarc.Field(tag="001", data=control))
    date = f"{year:04d}" if year else "    "
    fixed = f"190101s{date}    vm            000 0 {language} d"
    record.add_field(pymarc.Field(tag="008", data=fixed))
    if isbn:
        record.add_field(
            pymarc.Field(
                tag="020",
                indicators=pymarc.Indicators(" ", " "),
                subfields=[pymarc.Subfield("a", isbn)],
            )
        )
    for value in identifiers:
        record.add_field(_field("035", [("a", value)]))
    if author:
        record.add_field(
            pymarc.Field(
                tag="100",
                indicators=pymarc.Indicators("0", " "),
                subfields=[pymarc.Subfield("a", author)],
            )
        )
    title_subfields = [pymarc.Subfield("a", title)]
    if subtitle:
        title_subfields.append(pymarc.Subfield("b", subtitle))
    if part:
        title_subfields.append(pymarc.Subfield("n", part))
    record.add_field(
        pymarc.Field(
            tag="245", indicators=pymarc.Indicators("0", str(nonfiling)), subfields=title_subfields
        )
    )
    if edition:
        record.add_field(_field("250", [("a", edition)]))
    record.add_field(
        pymarc.Field(
            tag="260",
            indicators=pymarc.Indicators(" ", " "),
            subfields=[
                pymarc.Subfield("a", "H."),
                pymarc.Subfield("b", publisher),
                pymarc.Subfield("c", str(year or "")),
            ],
        )
    )
    if pages:
        record.add_field(_field("300", [("a", f"{pages} tr.")]))
    if series:
        numbered = [("v", series_number)] if series_number else []
        record.add_field(_field("490", [("a", series), *numbered], "0"))
    for subject in subjects:
        record.add_field(
            pymarc.Field(
                tag="650",
                indicators=pymarc.Indicators(" ", "7"),
                subfields=[pymarc.Subfield("a", subject)],
            )
        )
    # One 852 per copy, `$t` its copy number (1, 2, …): the MARC holdings convention.
    for number in range(1, (copies or 1) + 1 if call_number or copies else 1):
        record.add_field(
            pymarc.Field(
                tag="852",
                indicators=pymarc.Indicators(" ", " "),
                subfields=[
                    pymarc.Subfield("h", call_number),
                    pymarc.Subfield("t", str(number)),
                ],
            )
        )
    return record


def _field(tag: str, subfields: list[tuple[str, str]], ind1: str = " ") -> pymarc.Field:
    return pymarc.Field(
        tag=tag,
        indicators=pymarc.Indicators(ind1, " "),
        subfields=[pymarc.Subfield(code, value) for code, value in subfields],
    )


def write_marc(path: Path, records: Iterable[pymarc.Record]) -> None:
    """Write ``records`` to ``path`` as ISO 2709, one after another."""
    with open(path, "wb") as handle:
        for record in records:
            handle.write(record.as_marc())


def with_field(record: pymarc.Record, tag: str, subfields: list[tuple[str, str]],
               indicators: str = "  ") -> pymarc.Record:
    """``record`` with one more data field (both indicators given as a two-character string)."""
    record.add_field(pymarc.Field(
        tag=tag, indicators=list(indicators),
        subfields=[pymarc.Subfield(code, value) for code, value in subfields],
    ))
    return record
