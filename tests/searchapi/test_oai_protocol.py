"""The OAI-PMH provider's pure parts: arguments, datestamps, identifiers, sets, tokens, formats."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from searchapi.oai import formats, tokens
from searchapi.oai.protocol import (
    OaiError,
    check_arguments,
    range_of,
    set_filter,
    union_id_of,
    utc,
)

KEY = tokens.key("cat", "secret")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"verb": ["Identify"]}, ("Identify", {})),
        ({"verb": ["ListRecords"], "metadataPrefix": ["marc21"], "set": ["kind:school"]},
         ("ListRecords", {"metadataPrefix": "marc21", "set": "kind:school"})),
        ({"verb": ["ListRecords"], "resumptionToken": ["x"]},
         ("ListRecords", {"resumptionToken": "x"})),
        ({"verb": ["ListSets"], "resumptionToken": ["x"]}, ("ListSets", {"resumptionToken": "x"})),
        ({"verb": ["GetRecord"], "identifier": ["i"], "metadataPrefix": ["oai_dc"]},
         ("GetRecord", {"identifier": "i", "metadataPrefix": "oai_dc"})),
    ],
    ids=["identify", "list-with-set", "resumption", "listsets-token", "getrecord"],
)
def test_accepted_arguments(args, expected):
    assert check_arguments(args) == expected


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ({}, "badVerb"),
        ({"verb": ["Frobnicate"]}, "badVerb"),
        ({"verb": ["Identify", "Identify"]}, "badVerb"),
        ({"verb": ["Identify"], "set": ["x"]}, "badArgument"),
        ({"verb": ["ListRecords"]}, "badArgument"),
        ({"verb": ["ListRecords"], "metadataPrefix": ["marc21", "oai_dc"]}, "badArgument"),
        ({"verb": ["ListRecords"], "resumptionToken": ["x"], "metadataPrefix": ["marc21"]},
         "badArgument"),
        ({"verb": ["GetRecord"], "identifier": ["i"]}, "badArgument"),
        ({"verb": ["ListSets"], "set": ["x"]}, "badArgument"),
        ({"verb": ["ListRecords"], "metadataPrefix": ["marc 21"]}, "badArgument"),
        ({"verb": ["ListRecords"], "metadataPrefix": ["marc21"], "set": ["library:"]},
         "badArgument"),
    ],
    ids=["no-verb", "unknown-verb", "repeated-verb", "identify-with-arg", "missing-prefix",
         "repeated-arg", "token-not-exclusive", "getrecord-no-prefix", "listsets-set",
         "prefix-syntax", "set-syntax"],
)
def test_refused_arguments(args, code):
    with pytest.raises(OaiError) as caught:
        check_arguments(args)
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("from_", "until", "expected"),
    [
        ("2026-01-02", "", {"gte": "2026-01-02T00:00:00Z"}),
        ("", "2026-01-02", {"lte": "2026-01-02T23:59:59Z"}),
        ("2026-01-02T03:04:05Z", "2026-01-02T03:04:05Z",
         {"gte": "2026-01-02T03:04:05Z", "lte": "2026-01-02T03:04:05Z"}),
        ("", "", {}),
    ],
    ids=["from-day", "until-day-inclusive", "seconds", "none"],
)
def test_datestamp_range(from_, until, expected):
    assert range_of(from_, until) == expected


@pytest.mark.parametrize(
    ("from_", "until"),
    [
        ("2026-01-02", "2026-01-03T00:00:00Z"),  # mixed granularity
        ("2026-01-03", "2026-01-02"),  # from after until
        ("2026-02-30", ""),  # no such day
        ("2026-01-02T03:04:05.123Z", ""),  # finer than the repository's granularity
        ("2026-01-02T03:04:05+07:00", ""),  # not UTC
        ("yesterday", ""),
    ],
    ids=["mixed", "inverted", "no-such-day", "too-fine", "not-utc", "words"],
)
def test_bad_datestamps_are_bad_arguments(from_, until):
    with pytest.raises(OaiError) as caught:
        range_of(from_, until)
    assert caught.value.code == "badArgument"


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ("2026-12-01T23:00:05+00:00", "2026-12-01T23:00:05Z"),
        ("2026-12-02T06:00:05+07:00", "2026-12-01T23:00:05Z"),
        (1_796_166_005_000, "2026-12-01T23:00:05Z"),
    ],
    ids=["iso-utc", "iso-offset", "epoch-millis"],
)
def test_datestamps_are_utc_seconds(stored, expected):
    assert utc(stored) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("oai:mucluc.local:abc123", "abc123"), ("oai:other.host:abc123", None),
     ("oai:mucluc.local:", None), ("oai:mucluc.local:a/b", None), ("abc123", None)],
    ids=["ours", "other-repository", "empty-id", "path", "bare"],
)
def test_identifiers(value, expected):
    if expected is None:
        with pytest.raises(OaiError) as caught:
            union_id_of("mucluc.local", value)
        assert caught.value.code == "idDoesNotExist"
    else:
        assert union_id_of("mucluc.local", value) == expected


@pytest.mark.parametrize(
    ("spec", "expected"),
    [("library:DBI", {"term": {"libraries": "DBI"}}),
     ("kind:school", {"term": {"library_kinds": "school"}}),
     ("library", {"match_all": {}}), ("shelf:3", None)],
    ids=["library", "kind", "parent", "unknown"],
)
def test_sets(spec, expected):
    assert set_filter(spec) == expected


def position(**changes) -> tokens.Position:
    base = dict(verb="ListRecords", metadata_prefix="marc21", set_spec="library:DBI",
                from_="2026-01-01", until="", after=[1_700_000_000_000, "abc"], cursor=100,
                complete=250)
    return tokens.Position(**{**base, **changes})


def test_token_round_trip_keeps_the_position():
    token, expires = tokens.encode(position(), KEY, now=1000)
    decoded = tokens.decode(token, KEY, now=1000)
    assert decoded == position(expires=expires)
    assert expires == 1000 + tokens.LIFETIME


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # signature changed
        lambda t: "e" + t[1:] if not t.startswith("e") else "f" + t[1:],  # payload changed
        lambda t: t.split(".")[0],  # unsigned
        lambda t: "",
    ],
    ids=["signature", "payload", "unsigned", "empty"],
)
def test_tampered_tokens_are_refused(mangle):
    token, _ = tokens.encode(position(), KEY, now=1000)
    with pytest.raises(tokens.BadToken):
        tokens.decode(mangle(token), KEY, now=1000)


def test_expired_and_foreign_tokens_are_refused():
    token, expires = tokens.encode(position(), KEY, now=1000)
    with pytest.raises(tokens.BadToken, match="expired"):
        tokens.decode(token, KEY, now=expires + 1)
    with pytest.raises(tokens.BadToken):
        tokens.decode(token, tokens.key("another-catalogue", "secret"), now=1000)


@given(st.text(max_size=300))
def test_any_text_is_a_token_or_bad_token(text):
    try:
        tokens.decode(text, KEY, now=1000)
    except tokens.BadToken:
        pass


@given(st.lists(st.one_of(st.integers(), st.text(max_size=30)), max_size=3),
       st.integers(min_value=0, max_value=10**9), st.text(max_size=20))
def test_any_position_round_trips(after, cursor, set_spec):
    wanted = position(after=after, cursor=cursor, set_spec=set_spec)
    token, expires = tokens.encode(wanted, KEY, now=5)
    assert tokens.decode(token, KEY, now=5) == position(after=after, cursor=cursor,
                                                         set_spec=set_spec, expires=expires)


UNION = {
    "holdings": [
        {"library": "DBI", "library_name": "Thư viện tỉnh", "record_id": "DBI0001",
         "call_number": "895.9 NG-D", "copies": 3, "location": ""},
        {"library": "TGI", "library_name": "Thư viện huyện", "record_id": "T-77",
         "call_number": "", "copies": 1, "location": "Kho mở"},
    ],
    "display": {"title": "Truyện Kiều\x0b", "authors": ["Nguyễn Du"], "year": 2015,
                "isbns": ["9786046912347"], "languages": ["vie"], "type": "book"},
}
MARC = {"leader": "00000nam a2200000 a 4500", "fields": [
    {"001": "DBI0001"}, {"245": {"ind1": "1", "ind2": "0", "subfields": [{"a": "Truyện Kiều"}]}},
    {"852": {"ind1": " ", "ind2": " ", "subfields": [{"a": "DBI"}, {"t": "3"}]}},
]}


def test_marc21_has_one_852_per_holding_and_the_union_id():
    record = formats.marc21("u1", UNION, MARC, "mucluc.local")
    ns = {"m": formats.MARC_NS}
    assert record.xpath("m:controlfield[@tag='001']/text()", namespaces=ns) == ["u1"]
    holdings = [
        {sub.get("code"): sub.text for sub in field}
        for field in record.xpath("m:datafield[@tag='852']", namespaces=ns)
    ]
    assert holdings == [
        {"a": "DBI", "b": "Thư viện tỉnh", "h": "895.9 NG-D", "x": "DBI0001", "9": "3",
         "z": "3 bản"},
        {"a": "TGI", "b": "Thư viện huyện", "c": "Kho mở", "x": "T-77", "9": "1", "z": "1 bản"},
    ]


def test_oai_dc_drops_characters_xml_cannot_carry():
    record = formats.oai_dc("u1", UNION)
    text = etree.tostring(record, encoding="unicode")
    assert "<dc:title>Truyện Kiều</dc:title>" in text
    assert "urn:isbn:9786046912347" in text
