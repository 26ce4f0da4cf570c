"""A re-harvest does not decode a record whose XML the store holds under its OAI identifier
(harvesters.unchanged.KnownHarvested): what it yields must be what decoding would have given,
and any change to the record — or to what its decoding depends on — means it is decoded."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree

from harvesters.checkpoints import CheckpointStore
from harvesters.oaipmh import OAIClient, harvest
from harvesters.oaipmh.client import record_head
from harvesters.records import RecordProblem, SourceRecord
from harvesters.unchanged import KnownHarvested, Stored, StoredHarvested
from tests.harvesters.oai_provider import Provider, record_id
from tests.harvesters.peers import FAST

OAI = "{http://www.openarchives.org/OAI/2.0/}"


class Store:
    """The stored records of one library as the Loader keeps them, keyed by OAI identifier;
    counts the fetches (one per page)."""

    def __init__(self, items: list | None = None) -> None:
        self.by_identifier: dict[str, list[StoredHarvested]] = {}
        self.fetches = 0
        for item in items or []:
            self.hold(item)

    def hold(self, item: SourceRecord) -> None:
        """Store a decoded record as the Loader would (replacing the identifier's record)."""
        if item.deleted:
            self.by_identifier.pop(item.source_id, None)
            return
        checksum = item.checksum or item.marc()[1]
        self.by_identifier[item.source_id] = [
            (item.local_id, Stored(item.raw_hash, checksum, tuple(item.repairs)))]

    async def fetch(self, library: str, identifiers: list[str]
                    ) -> Mapping[str, list[StoredHarvested]]:
        self.fetches += 1
        return {i: self.by_identifier[i] for i in identifiers if i in self.by_identifier}


def outcome(item: object) -> tuple:
    """What the Loader sees of an item: kind, ids, checksum and repairs, or the problem."""
    if isinstance(item, SourceRecord):
        if item.deleted:
            return ("deleted", item.source_id)
        checksum = item.checksum if item.unchanged else item.checksum or item.marc()[1]
        return ("record", item.source_id, item.local_id, checksum,
                [vars(r) for r in item.repairs])
    assert isinstance(item, RecordProblem)
    return ("problem", item.describe())


async def run(url: str, state: Path, known: KnownHarvested | None) -> list:
    delivered: list = []
    async with OAIClient(url, source="s", library="DB-TEST", policy=FAST) as client:
        client.known = known
        async for page in harvest(client, CheckpointStore(state), full=True):
            delivered += page.records
            await page.commit()
    return delivered


async def test_a_reharvest_decodes_nothing_and_yields_what_decoding_gives(aiohttp_server,
                                                                           tmp_path):
    provider = Provider(total=30, page_size=7, deleted_every=9, illegal_in=frozenset({4}),
                        control_numbers={5: ""})
    server = await aiohttp_server(provider.app(), host="127.0.0.1")
    url = str(server.make_url("/oai"))
    first = await run(url, tmp_path, KnownHarvested(Store().fetch))
    assert all(i.raw_hash for i in first if isinstance(i, SourceRecord) and not i.deleted)
    store = Store(first)
    again = await run(url, tmp_path, KnownHarvested(store.fetch))
    records = [i for i in again if isinstance(i, SourceRecord) and not i.deleted]
    assert records and all(i.unchanged and i.record is None for i in records)
    assert [outcome(i) for i in again] == [outcome(i) for i in first]
    assert store.fetches == 5  # one per page


async def test_a_changed_record_alone_is_decoded(aiohttp_server, tmp_path):
    provider = Provider(total=20, page_size=6)
    server = await aiohttp_server(provider.app(), host="127.0.0.1")
    url = str(server.make_url("/oai"))
    store = Store(await run(url, tmp_path, None))
    provider.control_numbers[3] = "DB-NEW-3"  # the library renumbered record 3
    again = await run(url, tmp_path, KnownHarvested(store.fetch))
    decoded = [i.source_id for i in again if not i.unchanged]
    assert decoded == [record_id(3)]
    assert again[3].local_id == "DB-NEW-3"


def _page(provider: Provider) -> etree._Element:
    return etree.fromstring(provider.page_xml(1).encode())


def _records(page: etree._Element) -> list[etree._Element]:
    return list(page.iter(f"{OAI}record"))


def _client(known: KnownHarvested | None, library: str = "DB-TEST") -> OAIClient:
    client = OAIClient("http://127.0.0.1:9/oai", source="s", library=library)
    client.known = known
    return client


def _read(client: OAIClient, nodes: list[etree._Element], stored: Mapping, *,
          prefix: str = "marc21", sanitised: bool = False) -> list:
    return [client._item(record_head(node, client.library, prefix, sanitised), prefix, n,
                         sanitised, dict(stored)) for n, node in enumerate(nodes)]


PROVIDER = Provider(total=3, page_size=3)


def _stored_of(nodes: list[etree._Element]) -> dict[str, list[StoredHarvested]]:
    store = Store(_read(_client(None), nodes, {}))
    return store.by_identifier


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_change_to_a_record_means_it_is_decoded(data: st.DataObject) -> None:
    """Edit a record's XML anywhere (header, identifier, 001, a subfield, an attribute): the
    record is decoded, unless its parsed tree is the same, and then skipping it gives exactly
    what decoding gives."""
    original = _records(_page(PROVIDER))
    stored = _stored_of(original)
    target = data.draw(st.integers(0, len(original) - 1))
    text = etree.tostring(original[target], encoding="unicode")
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start, min(len(text), start + 3)))
    replacement = data.draw(st.text(alphabet="aZ0 <>/=\"'ệĐ\t-:", max_size=3))
    edited = text[:start] + replacement + text[end:]
    try:
        node = etree.fromstring(edited)
    except etree.XMLSyntaxError:
        assume(False)
    assume(node.tag == f"{OAI}record")
    nodes = [*original[:target], node, *original[target + 1:]]
    got = _read(_client(KnownHarvested(Store().fetch)), nodes, stored)
    decoded = _read(_client(None), nodes, {})
    changed = etree.tostring(node) != etree.tostring(original[target])
    item = got[target]
    if changed:
        assert not (isinstance(item, SourceRecord) and item.unchanged)
    assert [outcome(i) for i in got] == [outcome(i) for i in decoded]
    assert all(isinstance(i, SourceRecord) and i.unchanged
               for n, i in enumerate(got) if n != target)


@pytest.mark.parametrize(("library", "prefix", "sanitised"), [
    pytest.param("DB-OTHER", "marc21", False, id="another-library"),
    pytest.param("DB-TEST", "marcxml", False, id="another-metadata-prefix"),
    pytest.param("DB-TEST", "marc21", True, id="page-sanitised"),
])
def test_what_decoding_depends_on_besides_the_xml_means_decoded(library, prefix, sanitised):
    nodes = _records(_page(PROVIDER))
    stored = _stored_of(nodes)
    got = _read(_client(KnownHarvested(Store().fetch), library), nodes, stored, prefix=prefix,
                sanitised=sanitised)
    assert not any(i.unchanged for i in got)


def test_an_identifier_or_local_id_already_yielded_in_the_run_is_decoded():
    nodes = _records(_page(PROVIDER))
    stored = _stored_of(nodes)
    known = KnownHarvested(Store().fetch)
    client = _client(known)
    assert all(i.unchanged for i in _read(client, nodes, stored))
    # the same page again (a restart after badResumptionToken): decoded
    assert not any(i.unchanged for i in _read(client, nodes, stored))
    # another identifier whose record carries a 001 already yielded: decoded
    known = KnownHarvested(Store().fetch)
    client = _client(known)
    known.pass_("DB-TEST", "DB00002")
    assert [i.unchanged for i in _read(client, nodes, stored)] == [True, True, False]


def test_a_deletion_earlier_in_the_run_means_decoded():
    deleted = Provider(total=3, page_size=3, deleted_every=2)  # records 0 and 2 deleted
    nodes = _records(_page(PROVIDER))
    stored = _stored_of(nodes)
    client = _client(KnownHarvested(Store().fetch))
    first = _read(client, _records(_page(deleted)), {})
    assert [i.deleted for i in first] == [True, False, True]
    assert [i.unchanged for i in _read(client, nodes, stored)] == [False, False, False]


def test_two_stored_records_with_the_identifier_means_decoded():
    nodes = _records(_page(PROVIDER))
    stored = _stored_of(nodes)
    extra = stored[record_id(0)][0]
    stored[record_id(0)] = [extra, ("DB-OLD-0", extra[1])]
    stored[record_id(1)] = [(stored[record_id(1)][0][0], None)]  # stored without a raw hash
    got = _read(_client(KnownHarvested(Store().fetch)), nodes, stored)
    assert [i.unchanged for i in got] == [False, False, True]
