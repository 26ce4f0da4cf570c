"""The running API against its own OpenAPI document, with the real engine behind it.

schemathesis generates requests from ``/api/v1/openapi.json`` (valid ones only, bounded) and
checks that nothing answers 5xx and every response matches the documented status codes, content
types and schemas. The app serves on a real port; the CLI runs as a subprocess while the event
loop keeps serving.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer

from tests.catalogue import Catalogue, api_app

pytestmark = pytest.mark.engine

CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
    ]
)


def _cli() -> list[str]:
    beside = Path(sys.executable).with_name("schemathesis")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("schemathesis")
    assert found, "schemathesis is in the `test` extra; install it"
    return [found]


async def test_api_matches_its_openapi_document(catalogue: Catalogue, opensearch_url: str) -> None:
    app = api_app(opensearch_url, catalogue.prefix, catalogue.libraries, rate=10_000, burst=10_000)
    async with TestServer(app) as server:
        base = str(server.make_url("")).rstrip("/")
        process = await asyncio.create_subprocess_exec(
            *_cli(),
            "run",
            f"{base}/api/v1/openapi.json",
            "--url",
            base,
            "--checks",
            CHECKS,
            "--mode",
            "positive",
            "--max-examples",
            "15",
            "--seed",
            "20251126",
            "--workers",
            "2",
            "--no-color",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        try:
            output, _ = await asyncio.wait_for(process.communicate(), timeout=150)
        except TimeoutError:
            process.kill()  # never leave a stray run behind; fail with what it printed
            output, _ = await process.communicate()
            raise AssertionError(output.decode("utf-8", "replace")[-6000:]) from None
    report = output.decode("utf-8", "replace")
    assert process.returncode == 0, report[-6000:]
