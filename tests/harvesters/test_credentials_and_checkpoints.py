"""Credentials travel as basic auth and never reach a log line or an error; checkpoints are
atomic files that survive a crash mid-write."""

from __future__ import annotations

import base64
import json
import logging
import os

import pytest
from aiohttp import web

from harvesters.checkpoints import Checkpoint, CheckpointStore
from harvesters.oaipmh import OAIClient
from harvesters.transport import RetryPolicy, redact, split_credentials
from mucluc.core.errors import HarvestError, SourceError
from tests.harvesters.peers import FAST

IDENTIFY = (
    '<?xml version="1.0"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
    "<responseDate>2026-01-01T00:00:00Z</responseDate><request>x</request><Identify>"
    "<repositoryName>Koha Điện Biên</repositoryName><baseURL>x</baseURL>"
    "<protocolVersion>2.0</protocolVersion><earliestDatestamp>2001-01-01</earliestDatestamp>"
    "<deletedRecord>no</deletedRecord><granularity>YYYY-MM-DD</granularity></Identify></OAI-PMH>"
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://thuvien:s3cret@opac.example.vn/oai", "https://***:***@opac.example.vn/oai"),
        ("https://thuvien@opac.example.vn/oai", "https://***@opac.example.vn/oai"),
        ("https://opac.example.vn/oai?x=1", "https://opac.example.vn/oai?x=1"),
    ],
)
def test_redact(url, expected):
    assert redact(url) == expected


def test_split_credentials():
    url, authorization = split_credentials("http://thuvien:s3cret@127.0.0.1:8080/oai")
    assert url == "http://127.0.0.1:8080/oai"
    assert authorization == "Basic " + base64.b64encode(b"thuvien:s3cret").decode()


async def test_basic_auth_from_url_is_sent_and_never_logged(aiohttp_server, caplog):
    expected = "Basic " + base64.b64encode(b"thuvien:s3cret").decode()
    fail = {"on": False}

    async def handler(request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != expected:
            return web.Response(status=401)
        if fail["on"]:
            return web.Response(status=503, headers={"Retry-After": "0"})
        return web.Response(text=IDENTIFY, content_type="text/xml")

    app = web.Application()
    app.router.add_get("/oai", handler)
    server = await aiohttp_server(app, host="127.0.0.1")
    url = f"http://thuvien:s3cret@127.0.0.1:{server.port}/oai"
    caplog.set_level(logging.DEBUG)
    async with OAIClient(url, source="koha", policy=FAST) as client:
        assert (await client.identify()).repository_name == "Koha Điện Biên"
        assert "s3cret" not in repr(client)
        fail["on"] = True
        with pytest.raises(HarvestError) as caught:
            await client.identify()
    assert "HTTP 503" in caught.value.message
    assert "s3cret" not in caught.value.message
    assert caplog.records, "retries were logged"
    assert all("s3cret" not in r.getMessage() for r in caplog.records)


async def test_wrong_credentials_fail_without_retrying(aiohttp_server):
    calls = []

    async def handler(request: web.Request) -> web.Response:
        calls.append(1)
        return web.Response(status=401)

    app = web.Application()
    app.router.add_get("/oai", handler)
    server = await aiohttp_server(app, host="127.0.0.1")
    async with OAIClient(f"http://127.0.0.1:{server.port}/oai", source="koha",
                         auth=("thuvien", "wrong"), policy=FAST) as client:
        with pytest.raises(HarvestError, match="HTTP 401"):
            await client.identify()
    assert len(calls) == 1


async def test_response_size_limit(aiohttp_server):
    async def handler(request: web.Request) -> web.Response:
        return web.Response(text=IDENTIFY + " " * 5000, content_type="text/xml")

    app = web.Application()
    app.router.add_get("/oai", handler)
    server = await aiohttp_server(app, host="127.0.0.1")
    policy = RetryPolicy(attempts=2, backoff=0.01, max_bytes=1000)
    async with OAIClient(f"http://127.0.0.1:{server.port}/oai", source="big",
                         policy=policy) as client:
        with pytest.raises(HarvestError, match="over the limit of 1000 bytes"):
            await client.identify()


def test_checkpoint_round_trip(tmp_path):
    store = CheckpointStore(tmp_path / "state")
    assert store.load("huyen-tuan-giao") is None
    cp = Checkpoint(source="huyen-tuan-giao", metadata_prefix="marc21", from_="2026-01-01",
                    resumption_token="tok/1", pages=3, records_seen=150,
                    last_response_date="2026-02-02T00:00:00Z")
    store.save(cp)
    loaded = store.load("huyen-tuan-giao")
    assert loaded == cp and loaded.in_progress
    assert json.loads(store.path("huyen-tuan-giao").read_text())["format"] == 1
    assert os.listdir(tmp_path / "state") == ["huyen-tuan-giao.json"], "no temporary left over"
    store.clear("huyen-tuan-giao")
    assert store.load("huyen-tuan-giao") is None


def test_failed_write_keeps_the_previous_checkpoint(tmp_path, monkeypatch):
    store = CheckpointStore(tmp_path)
    store.save(Checkpoint(source="s", resumption_token="old"))

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(SourceError, match=r"cannot save the harvest checkpoint.*disk full"):
        store.save(Checkpoint(source="s", resumption_token="new"))
    monkeypatch.undo()
    assert store.load("s").resumption_token == "old"
    assert os.listdir(tmp_path) == ["s.json"]


def test_corrupt_checkpoint_is_a_clear_error(tmp_path):
    store = CheckpointStore(tmp_path)
    store.path("s").write_text("{not json")
    with pytest.raises(SourceError, match="cannot read the harvest checkpoint") as caught:
        store.load("s")
    assert "delete the file" in caught.value.hint


def test_source_names_become_safe_file_names(tmp_path):
    store = CheckpointStore(tmp_path)
    assert store.path("../../etc/passwd").parent == tmp_path
    assert store.path("Thư viện tỉnh/OAI").name == "Th_vi_n_t_nh_OAI.json"
