"""The demo's libraries and how each one catalogues.

The codes, names, kinds and parents match the demo ``mucluc.toml``. Each library has a
:class:`CatalogueStyle`: the habits of its staff and its software (Koha writes 952 items, older
Vietnamese systems 852 holdings), so the same book arrives differently from each library, as it
does in a real union catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["provincial", "district", "school"]


@dataclass(frozen=True)
class DemoLibrary:
    """A library of the demo union catalogue."""

    code: str
    name: str
    kind: Kind
    parent: str | None = None


DEMO_LIBRARIES: tuple[DemoLibrary, ...] = (
    DemoLibrary("DBI", "Thư viện tỉnh Điện Biên", "provincial"),
    DemoLibrary("TGI", "Thư viện huyện Tuần Giáo", "district", "DBI"),
    DemoLibrary("MCH", "Thư viện huyện Mường Chà", "district", "DBI"),
    DemoLibrary("DBD", "Thư viện huyện Điện Biên Đông", "district", "DBI"),
    DemoLibrary("MNH", "Thư viện huyện Mường Nhé", "district", "DBI"),
    DemoLibrary("THCS-TG", "Thư viện Trường THCS Thị trấn Tuần Giáo", "school", "TGI"),
)


@dataclass(frozen=True)
class CatalogueStyle:
    """One library's cataloguing habits.

    ``record_id`` is a format string with ``{n}`` (running number) and ``{year}`` (year the
    record was created); ``call_number`` has ``{ddc}``, ``{ddc3}`` (class to three digits) and
    ``{cutter}``; ``barcode`` has ``{prefix}`` (registration series: VV, TN, ĐC...) and ``{n}``.
    """

    unicode_form: Literal["NFC", "NFD"]
    tones: Literal["old", "new"]
    publisher: Literal["abbrev", "full", "bare"]
    invert_names: bool
    isbn_form: Literal["hyphen", "plain"]
    isbn_kept: float  # share of ISBNs the cataloguer actually typed in
    subtitle: bool
    punctuation: bool
    imprint_tag: Literal["260", "264"]
    items: Literal["852", "952"]
    record_id: str
    call_number: str
    barcode: str
    first_year: int  # the year the library started its electronic catalogue
    ddc_edition: str
    summaries: bool


STYLES: dict[str, CatalogueStyle] = {
    "DBI": CatalogueStyle(
        unicode_form="NFC", tones="old", publisher="abbrev", invert_names=False,
        isbn_form="hyphen", isbn_kept=1.0, subtitle=True, punctuation=True,
        imprint_tag="260", items="852", record_id="DBI{n:06d}",
        call_number="{ddc} / {cutter}", barcode="{prefix}.{n:06d}", first_year=2009,
        ddc_edition="23", summaries=True,
    ),
    "TGI": CatalogueStyle(
        unicode_form="NFD", tones="new", publisher="full", invert_names=True,
        isbn_form="plain", isbn_kept=0.9, subtitle=True, punctuation=False,
        imprint_tag="264", items="952", record_id="TG-{year}-{n:04d}",
        call_number="{ddc3} {cutter}", barcode="TG{n:05d}", first_year=2015,
        ddc_edition="14", summaries=False,
    ),
    "MCH": CatalogueStyle(
        unicode_form="NFC", tones="old", publisher="bare", invert_names=True,
        isbn_form="plain", isbn_kept=0.6, subtitle=False, punctuation=True,
        imprint_tag="260", items="852", record_id="MCH{n:05d}",
        call_number="{ddc3}/{cutter}", barcode="MC.{prefix}.{n:04d}", first_year=2017,
        ddc_edition="14", summaries=False,
    ),
    "DBD": CatalogueStyle(
        unicode_form="NFC", tones="new", publisher="abbrev", invert_names=False,
        isbn_form="hyphen", isbn_kept=0.8, subtitle=True, punctuation=True,
        imprint_tag="264", items="952", record_id="DBD.{year}.{n:04d}",
        call_number="{ddc} {cutter}", barcode="DBD{n:06d}", first_year=2018,
        ddc_edition="23", summaries=True,
    ),
    "MNH": CatalogueStyle(
        unicode_form="NFD", tones="old", publisher="full", invert_names=False,
        isbn_form="plain", isbn_kept=0.5, subtitle=False, punctuation=False,
        imprint_tag="260", items="852", record_id="MNH-{n:05d}",
        call_number="{ddc3} {cutter}", barcode="MN{prefix}{n:05d}", first_year=2019,
        ddc_edition="14", summaries=False,
    ),
    "THCS-TG": CatalogueStyle(
        unicode_form="NFC", tones="new", publisher="abbrev", invert_names=True,
        isbn_form="hyphen", isbn_kept=0.95, subtitle=True, punctuation=True,
        imprint_tag="264", items="952", record_id="THCSTG{n:05d}",
        call_number="{ddc3} {cutter}", barcode="HS{n:05d}", first_year=2020,
        ddc_edition="23", summaries=False,
    ),
}

# The library delivered as MARCXML instead of ISO 2709, so both file formats are exercised.
MARCXML_LIBRARY = "MCH"
