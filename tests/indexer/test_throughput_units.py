"""The pure parts of issue #16's ingest work: bulk bodies grouped per operation, the orjson
serializer writing what the standard one writes, and a reload's unchanged records left unmapped.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid

import pymarc
import pytest
from hypothesis import given
from hypothesis import strategies as st
from opensearchpy.serializer import JSONSerializer

from harvesters.files import read_path
from harvesters.records import SourceRecord, marc_dict
from indexer.clusters import profile_keys
from indexer.marc_document import RecordFields
from indexer.profiles import _profile, as_fields, profile
from indexer.source_documents import Unmapped, marc_checksum, prepare
from indexer.store.catalogue import _operations
from indexer.store.serializer import OrjsonSerializer
from tests.marc_builders import book

INDEX = {"index": {"_index": "x", "_id": "1"}}
DELETE = {"delete": {"_index": "x", "_id": "2"}}
UPDATE = {"update": {"_index": "x", "_id": "3"}}
DOC = {"title": "Truyện Kiều"}


@pytest.mark.parametrize(
    ("actions", "groups"),
    [
        pytest.param([], [], id="empty"),
        pytest.param([INDEX, DOC], [[INDEX, DOC]], id="one-index"),
        pytest.param([DELETE], [[DELETE]], id="one-delete"),
        pytest.param([DELETE, INDEX, DOC, DELETE], [[DELETE], [INDEX, DOC], [DELETE]],
                     id="delete-index-delete"),
        pytest.param([UPDATE, {"doc": {"cluster": "c"}}, INDEX, DOC],
                     [[UPDATE, {"doc": {"cluster": "c"}}], [INDEX, DOC]], id="update-index"),
    ],
)
def test_bulk_lines_are_grouped_per_operation(actions, groups) -> None:
    """A 429 resend takes the refused operation's lines: one for a delete, two otherwise."""
    assert list(_operations(actions)) == groups


@pytest.mark.parametrize(
    "value",
    [
        pytest.param({"title": "Truyện Kiều", "year": 1820, "ok": True, "x": None}, id="plain"),
        pytest.param({"at": dt.datetime(2026, 1, 2, 3, 4, 5)}, id="datetime"),
        pytest.param({"at": dt.date(2026, 1, 2)}, id="date"),
        pytest.param({"id": uuid.UUID(int=7)}, id="uuid"),
        pytest.param([{"index": {"_id": "DBI:1"}}, {"keys": ["ta:kieu|du"]}], id="list"),
    ],
)
def test_orjson_writes_what_the_standard_serializer_writes(value) -> None:
    ours, theirs = OrjsonSerializer().dumps(value), JSONSerializer().dumps(value)
    assert json.loads(ours) == json.loads(theirs)
    assert isinstance(ours, str)


TEXT = st.text(st.characters(blacklist_categories=("Cs",)))  # engines hold no lone surrogates


@given(st.dictionaries(TEXT, st.recursive(
    st.none() | st.booleans() | st.integers(-2**62, 2**62) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=20,
)))
def test_orjson_round_trips_any_json_body(value) -> None:
    """(A body is an object; a string passes through untouched, as with the stock one.)"""
    serializer = OrjsonSerializer()
    assert serializer.loads(serializer.dumps(value)) == value


def _item(local_id: str, title: str) -> SourceRecord:
    return SourceRecord(library="DBI", source="test", local_id=local_id,
                        record=book(local_id, title, author="Nguyễn Du", year=2015))


def test_a_reload_maps_only_what_changed() -> None:
    same, changed, new = _item("D1", "Truyện Kiều"), _item("D2", "Lục Vân Tiên"), _item("D3", "X")
    stored = {
        "DBI:D1": {"checksum": marc_checksum(same.record.as_dict())},
        "DBI:D2": {"checksum": "an older version"},
    }
    prepared = prepare([same, changed, new], stored)
    assert prepared["DBI:D1"] == Unmapped(marc_checksum(same.record.as_dict()))
    assert prepared["DBI:D2"]["fields"]["title"] == "Lục Vân Tiên"
    assert prepared["DBI:D3"]["checksum"] == marc_checksum(new.record.as_dict())
    assert all(not isinstance(p, Unmapped) for p in prepare([same, changed, new]).values())


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param(RecordFields(title="Truyện Kiều"), id="bare"),
        pytest.param(RecordFields(
            title="Truyện Kiều", authors=["Nguyễn Du"], year=1820, pages=300,
            contributors=[{"name": "Đào Duy Anh", "role": "chú giải"}], isbns=["9786046912347"],
            subjects=["Văn học Việt Nam"], copies=3), id="full"),
    ],
)
def test_record_fields_as_dict_is_asdict_with_fresh_containers(fields) -> None:
    made = fields.as_dict()
    assert made == dataclasses.asdict(fields)
    made["authors"].append("someone")  # type: ignore[attr-defined]
    for contributor in made["contributors"]:  # type: ignore[attr-defined]
        contributor["name"] = "changed"
    assert fields.as_dict() == dataclasses.asdict(fields)


_SUBFIELD = st.tuples(st.sampled_from("abcdehnpvxz6"), TEXT)


@given(
    leader=st.text("0123456789 acmnp", min_size=24, max_size=24),
    fields=st.lists(st.one_of(
        st.tuples(st.sampled_from(["001", "003", "005", "008"]), TEXT),
        st.tuples(st.sampled_from(["020", "100", "245", "260", "650", "700", "880"]),
                  st.tuples(st.sampled_from(" 0123"), st.sampled_from(" 0123"),
                            st.lists(_SUBFIELD, max_size=5))),
    ), max_size=12),
)
def test_marc_dict_is_pymarcs_as_dict(leader, fields) -> None:
    """The reader's and the Loader's MARC-in-JSON (and so every checksum ever stored) is
    pymarc's, in every shape a record can take."""
    record = pymarc.Record(leader=leader)
    for tag, value in fields:
        if isinstance(value, str):
            record.add_field(pymarc.Field(tag=tag, data=value))
        else:
            ind1, ind2, subfields = value
            record.add_field(pymarc.Field(
                tag=tag, indicators=pymarc.Indicators(ind1, ind2),
                subfields=[pymarc.Subfield(code, text) for code, text in subfields]))
    assert marc_dict(record) == record.as_dict()
    assert marc_checksum(marc_dict(record)) == marc_checksum(record.as_dict())


def test_the_readers_checksum_is_the_loaders(tmp_path) -> None:
    """The reader computes each record's checksum once (its duplicate check) and the Loader
    reuses it; a record renamed for a clash (its 001 rewritten) gets the checksum of what is
    stored, not of what was read."""
    marc = tmp_path / "dup.mrc"
    with marc.open("wb") as out:
        for title in ("Truyện Kiều", "Truyện Kiều", "Lục Vân Tiên"):
            out.write(book("D1", title, author="Nguyễn Du").as_marc())
    items = [i for i in read_path(marc, library="DBI") if isinstance(i, SourceRecord)]
    assert [i.local_id for i in items] == ["D1", "D1~2"]
    for item in items:
        assert item.record is not None
        fresh = marc_checksum(item.record.as_dict())
        assert item.checksum in {"", fresh}
        prepared = prepare([item])[f"DBI:{item.local_id}"]
        assert not isinstance(prepared, Exception | Unmapped)
        assert prepared["checksum"] == fresh
        assert prepared["marc"] == item.record.as_dict()


_WORDS = st.sampled_from(["Truyện", "Kiều", "Tập", "2", "II", "tái bản lần thứ 2", "Vol.", "the",
                          "Nguyễn", "Du", "Phần", "một", "3rd ed.", "(OCoLC)ocm123", ""])
_PHRASE = st.lists(_WORDS, max_size=5).map(" ".join)


@given(st.builds(
    RecordFields, title=_PHRASE, subtitle=_PHRASE, part=_PHRASE, edition=_PHRASE,
    year=st.none() | st.integers(1800, 2030), pages=st.none() | st.integers(1, 900),
    series=st.lists(_PHRASE, max_size=2), isbns=st.lists(st.sampled_from(
        ["9786046912347", "9780306406157"]), max_size=2),
    issns=st.lists(st.sampled_from(["0317-8471", "2049-3630", "x"]), max_size=2),
    other_ids=st.lists(_PHRASE, max_size=2), authors=st.lists(_PHRASE, max_size=3),
    type=st.sampled_from(["book", "serial", "map"]),
))
def test_a_cached_profile_is_the_profile(fields) -> None:
    """Profiles are cached by the values they read: the cached one (from the dataclass or from
    its stored dict, with or without unread fields) is what profiling computes."""
    fresh = _profile(fields)
    assert profile(fields) == fresh
    stored = {**fields.as_dict(), "work_key": "x|y"}
    assert profile(stored) == fresh
    assert profile(as_fields(stored)) == fresh


def test_profiling_a_dict_without_title_still_fails() -> None:
    with pytest.raises(TypeError):
        profile({"authors": ["Nguyễn Du"]})


def test_cached_keys_are_a_fresh_list_each_time() -> None:
    """A caller may change the keys it got (a document's ``keys``): the next caller's are whole."""
    p = profile(RecordFields(title="Truyện Kiều", authors=["Nguyễn Du"], year=2015))
    keys = profile_keys(p)
    assert keys == ["ay:du nguyen|2015", "ta:truyenkieu|du nguyen", "ty:truyenkieu|2015"]
    keys.clear()
    assert profile_keys(p) == ["ay:du nguyen|2015", "ta:truyenkieu|du nguyen", "ty:truyenkieu|2015"]
