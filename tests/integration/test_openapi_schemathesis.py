"""The running API against its own OpenAPI document, with the real engine behind it.

schemathesis generates requests from ``/api/v1/openapi.json``, valid and invalid (positive and
negative modes), ``MAX_EXAMPLES`` per operation, follows the document's links statefully
(search → record, search → next page), and checks that nothing answers 5xx or takes longer than
the per-request timeout, and every response matches the documented status codes, content types
and schemas (issue #12: 15 valid examples with no deadline missed a query that hung the API).
The app serves on a real port through the production runner; the CLI runs as a subprocess
while the event loop keeps serving. ``make fuzz`` (hypothesis profile ``fuzz``) runs more.

The anonymous run is two CLI processes at once over complementary halves of the document (the
generation is the CPU-bound part, and one process keeps one core busy); every operation is in
exactly one half, and the linked operations (search → record, search → next page) are in the same
one. The throttle of bad keys answers without its waits here (``max_delay``): what it waits is
test_console_access's claim, and 4 s per generated bad key only slowed the run.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
from pathlib import Path

import pytest
from aiohttp import web
from hypothesis import settings

from indexer.accounts import Accounts
from indexer.store import Store
from searchapi.console.state import CONSOLE
from searchapi.server import serving
from tests.catalogue import Catalogue, api_app

pytestmark = pytest.mark.engine

CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
    ]  # not negative_data_rejection: filters take any string by design, and schemathesis
    # counts an object serialised into a repeated query parameter as invalid (a false alarm)
)
# 200 per operation in make test; more under the hypothesis profile of make fuzz.
MAX_EXAMPLES = min(2000, max(200, settings().max_examples // 10))
REQUEST_TIMEOUT = 20  # seconds; a request that hangs fails the run instead of stalling it
#: One half of the anonymous run: the search and its links, suggestions, feed and health; the other
#: half is everything else (``--exclude-path-regex`` of the same pattern).
SEARCH_HALF = r"^/(api/v1/(search|records|suggest|feed)|health|opensearch)"


def _cli() -> list[str]:
    beside = Path(sys.executable).with_name("schemathesis")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("schemathesis")
    assert found, "schemathesis is in the `test` extra; install it"
    return [found]


async def _schemathesis(base: str, *options: str, workers: int = 2) -> None:
    process = await asyncio.create_subprocess_exec(
        *_cli(),
        "run",
        f"{base}/api/v1/openapi.json",
        "--url",
        base,
        "--checks",
        CHECKS,
        "--mode",
        "all",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--request-timeout",
        str(REQUEST_TIMEOUT),
        "--max-response-time",
        str(REQUEST_TIMEOUT),
        "--seed",
        "20251126",
        "--workers",
        str(workers),
        "--no-color",
        *options,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        output, _ = await asyncio.wait_for(process.communicate(), timeout=1500)
    except TimeoutError:
        process.kill()  # never leave a stray run behind; fail with what it printed
        output, _ = await process.communicate()
        raise AssertionError(output.decode("utf-8", "replace")[-6000:]) from None
    report = output.decode("utf-8", "replace")
    assert process.returncode == 0, report[-6000:]


def _app(catalogue: Catalogue, opensearch_url: str) -> web.Application:
    app = api_app(opensearch_url, catalogue.prefix, catalogue.libraries, rate=10_000, burst=10_000)
    app[CONSOLE].failures.max_delay = 0.001  # still slept, still counted towards the 429
    return app


async def test_api_matches_its_openapi_document(catalogue: Catalogue, opensearch_url: str) -> None:
    """Every operation, anonymously: the key-protected ones must answer the documented 401."""
    async with serving(_app(catalogue, opensearch_url)) as base:
        # One worker thread each: the two processes are the concurrency. Two worker threads in
        # one process raced in CPython 3.11's ast.parse (hypothesis describing a lambda) once:
        # "SystemError: AST constructor recursion depth mismatch", a runtime error of the run.
        examples = ("--max-examples", str(MAX_EXAMPLES))
        await asyncio.gather(
            _schemathesis(base, *examples, "--include-path-regex", SEARCH_HALF, workers=1),
            _schemathesis(base, *examples, "--exclude-path-regex", SEARCH_HALF, workers=1),
        )


async def test_key_protected_reads_match_the_document(
    catalogue: Catalogue, opensearch_url: str
) -> None:
    """Statistics and jobs read with an administrator's key: real answers checked against their
    schemas (uploads are not fuzzed with a key: they would change the suite's catalogue)."""
    _, key = await Accounts(Store(catalogue.engine, catalogue.prefix)).grant("admin", None)
    async with serving(_app(catalogue, opensearch_url)) as base:
        await _schemathesis(
            base,
            "--max-examples",
            str(max(25, MAX_EXAMPLES // 8)),
            "--include-method",
            "GET",
            "--include-path-regex",
            "^/api/v1/(stats|jobs)",
            "--header",
            f"Authorization: Bearer {key}",
        )
