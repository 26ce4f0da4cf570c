"""Issue #11: a harvested record is known by the library's own record number (MARC 001), not by
the OAI identifier, which is kept as ``source_id`` for the deletions that carry nothing else."""

from __future__ import annotations

import pymarc
import pytest
from hypothesis import given
from hypothesis import strategies as st

from harvesters.metadata import control_number
from harvesters.oaipmh import OAIClient
from harvesters.records import SourceRecord
from tests.harvesters.oai_provider import Provider, record_id
from tests.harvesters.peers import FAST


@pytest.mark.parametrize(
    ("control_numbers", "deleted_every", "local_id"),
    [
        pytest.param({}, 0, "DB00001", id="001-is-the-local-id"),
        pytest.param({1: "  TG-0042 "}, 0, "TG-0042", id="padded-001-stripped"),
        pytest.param({1: ""}, 0, record_id(1), id="no-001-keeps-the-oai-identifier"),
        pytest.param({}, 1, record_id(1), id="deletion-carries-only-the-oai-identifier"),
    ],
)
async def test_local_id_is_the_001_and_source_id_the_oai_identifier(
    aiohttp_server, control_numbers, deleted_every, local_id
):
    provider = Provider(total=3, page_size=3, control_numbers=control_numbers,
                        deleted_every=deleted_every)
    server = await aiohttp_server(provider.app(), host="127.0.0.1")
    async with OAIClient(str(server.make_url("/oai")), source="tgi", library="TGI",
                         policy=FAST) as client:
        page = await client.list_records()
    item = page.items[1]
    assert isinstance(item, SourceRecord)
    assert (item.local_id, item.source_id) == (local_id, record_id(1))
    assert item.deleted == bool(deleted_every)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30))
def test_control_number_is_the_stripped_001(value: str) -> None:
    record = pymarc.Record()
    record.add_field(pymarc.Field(tag="001", data=value))
    assert control_number(record) == value.strip()
    assert control_number(pymarc.Record()) == ""
