"""Issue #12: no reader's request can take the API down. Regression tests per defect class, with
the real engine behind the API: stray quotation marks, malformed HTTP, forwarded addresses and
rate limits, metrics and logs, and every query-string parameter under hypothesis."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.node import free_port
from searchapi import observe
from searchapi.clients import parse_networks
from searchapi.server import serving
from tests.catalogue import Catalogue, api_app
from tests.searchapi.hostile import WORDS, hostile_query

pytestmark = pytest.mark.engine

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
async def base(catalogue: Catalogue, opensearch_url: str) -> AsyncIterator[str]:
    app = api_app(opensearch_url, catalogue.prefix, catalogue.libraries, rate=100_000,
                  burst=100_000)
    async with serving(app) as url:
        yield url


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict, dict[str, str]]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, body, found = response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        status, body, found = exc.code, exc.read(), dict(exc.headers)
    if found.get("Content-Type", "").startswith("application/json"):
        return status, json.loads(body), found
    return status, {"raw": body.decode("utf-8", "replace")}, found


async def _raw(base: str, request: bytes) -> tuple[int, dict]:
    host, port = base.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(request)
    await writer.drain()
    data = await asyncio.wait_for(reader.read(), 30)
    writer.close()
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


STRAY_QUOTES = [
    "Sống Cho Chính Mình” Phiên Bản Mini",
    "Nhà Giả Kim»",
    "”",
    "» « ” “",
    "kieu”“",
    "title:”kieu",
    '"a" ” "b',
]


@pytest.mark.parametrize("q", STRAY_QUOTES)
async def test_any_quotation_mark_is_answered_and_health_stays_up(base: str, q: str) -> None:
    status, body, _ = await asyncio.to_thread(_get, f"{base}/api/v1/search?{urlencode({'q': q})}")
    assert status == 200 or (status == 400 and body["error"]["code"] == "bad_query"), body
    status, _, _ = await asyncio.to_thread(_get, f"{base}/health")
    assert status == 200


MALFORMED = [
    b"GET /api/v1/search?q=truy\xe1\xbb\x87n HTTP/1.1\r\nHost: x\r\n\r\n",  # raw UTF-8
    b"GET /api/v1/search?q=\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /api/v1/search?q=a b HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /api/v1/search HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n",
    b"GET /api/v1/search HTTP/1.1\r\nHost: x\r\n" + b"X-Many: a\r\n" * 100 + b"\r\n",
    b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",  # TLS to a plain HTTP port
    b"GARBAGE\r\n\r\n",
]


@pytest.mark.parametrize("request_bytes", MALFORMED, ids=lambda r: repr(r[:24]))
async def test_malformed_http_gets_the_json_error_shape(base: str, request_bytes: bytes) -> None:
    status, body = await _raw(base, request_bytes)
    assert status == 400
    assert body["error"]["code"] == "bad_request"


async def test_an_oversize_body_is_json(base: str) -> None:
    request = b"POST /api/v1/search HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n"
    status, body = await _raw(base, request + b"Connection: close\r\n\r\n" + b"a" * 100_000)
    assert status in {405, 413}
    assert "error" in body


async def test_forwarded_addresses_count_only_from_trusted_proxies(
    catalogue: Catalogue, opensearch_url: str
) -> None:
    trusting = api_app(opensearch_url, catalogue.prefix, catalogue.libraries, rate=0.001, burst=1,
                          trusted_proxies=parse_networks("127.0.0.1"))  # fmt: skip
    async with serving(trusting) as url:
        first = await asyncio.to_thread(
            _get, f"{url}/api/v1/libraries", {"X-Forwarded-For": "198.51.100.1"}
        )
        other = await asyncio.to_thread(
            _get, f"{url}/api/v1/libraries", {"Forwarded": "for=198.51.100.2"}
        )
        again = await asyncio.to_thread(
            _get, f"{url}/api/v1/libraries", {"X-Forwarded-For": "203.0.113.5, 198.51.100.1"}
        )
        assert (first[0], other[0], again[0]) == (200, 200, 429)
        _, metrics, _ = await asyncio.to_thread(_get, f"{url}/metrics")
        assert 'mucluc_http_rejected_total{reason="rate_limit"} 1.0' in metrics["raw"]
    untrusting = api_app(opensearch_url, catalogue.prefix, catalogue.libraries, rate=0.001, burst=1)
    async with serving(untrusting) as url:
        statuses = [
            (await asyncio.to_thread(_get, f"{url}/api/v1/libraries", {"X-Forwarded-For": a}))[0]
            for a in ("198.51.100.1", "198.51.100.2")
        ]
        assert statuses == [200, 429]  # a forged header does not buy a fresh bucket


async def test_metrics_and_slow_log_name_the_route_never_the_address(
    base: str, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(observe, "SLOW_SECONDS", 0.0)
    with caplog.at_level(logging.INFO, logger="mucluc"):
        await asyncio.to_thread(_get, f"{base}/api/v1/search?q=kieu")
    slow = [r.getMessage() for r in caplog.records if r.name == "mucluc.slow"]
    assert slow and "/api/v1/search" in slow[0]
    assert all("127.0.0.1" not in r.getMessage() for r in caplog.records)
    _, metrics, _ = await asyncio.to_thread(_get, f"{base}/metrics")
    text = metrics["raw"]
    assert 'mucluc_http_request_duration_seconds_count{route="/api/v1/search",status="200"}' in text
    assert "mucluc_http_requests_in_flight" in text
    # the store tells the API of every engine call: the search above made at least one
    searched = [line for line in text.splitlines()
                if line.startswith('mucluc_engine_call_duration_seconds_count{operation="search"}')]
    assert searched and float(searched[0].split()[-1]) >= 1, searched


PARAMETERS = ["q", "page", "size", "sort", "cursor", "year_from", "year_to", "library", "kind",
              "type", "lang", "subject", "format", "callback", ""]  # fmt: skip
values = hostile_query | st.integers(-(10**20), 10**20).map(str) | st.sampled_from(WORDS)
queries = st.lists(st.tuples(st.sampled_from(PARAMETERS) | st.text(max_size=5), values), max_size=6)
paths = st.sampled_from(["/api/v1/search", "/api/v1/suggest", "/api/v1/records/"]).flatmap(
    lambda path: st.just(path) if not path.endswith("/") else st.text(max_size=70).map(
        lambda doc_id: path + quote(doc_id, safe="", errors="surrogatepass")
    )
)


async def test_any_query_string_on_any_route_is_answered(base: str) -> None:
    @settings(max_examples=max(50, settings().max_examples // 2))
    @given(paths, queries)
    def check(path: str, query: list[tuple[str, str]]) -> None:
        url = f"{base}{path}?{urlencode(query, errors='surrogatepass')}"
        status, body, headers = _get(url)
        assert status in {200, 400, 404, 414}, (url, status, body)
        assert headers["Content-Type"].startswith("application/json"), (url, headers)
        if status >= 400:
            assert set(body["error"]) == {"code", "message"}, body

    await asyncio.to_thread(check)
    status, _, _ = await asyncio.to_thread(_get, f"{base}/health")
    assert status == 200


def test_serve_with_workers_shares_one_port(opensearch_url: str, tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "MUCLUC_OPENSEARCH_URL": opensearch_url, "MUCLUC_HOME": str(tmp_path)}
    command = [sys.executable, "-m", "mucluc", "serve", "--port", str(port), "--workers", "2"]
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)  # fmt: skip
    try:
        for _ in range(300):  # bounded wait for the workers to listen
            try:
                if _get(f"http://127.0.0.1:{port}/health")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        assert len(children) == 2
        statuses = {_get(f"http://127.0.0.1:{port}/health")[0] for _ in range(20)}
        assert statuses == {200}
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output.decode("utf-8", "replace")
