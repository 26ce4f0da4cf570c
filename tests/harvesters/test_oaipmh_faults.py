"""Fault injection against a live local OAI-PMH provider: every record arrives exactly once.

Each scenario collects the OAI identifier (``source_id``) of every record the harvest delivers,
in order, and compares the list with the provider's ids: a loss or a duplicate fails the test.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from harvesters.checkpoints import Checkpoint, CheckpointStore
from harvesters.oaipmh import OAIClient, harvest
from harvesters.records import SourceRecord
from harvesters.transport import RetryPolicy
from indexer.node import free_port
from mucluc.core.errors import HarvestError
from tests.harvesters.oai_provider import RESPONSE_DATE, Provider
from tests.harvesters.peers import FAST

WORKER = Path(__file__).with_name("harvest_worker.py")
REPO = Path(__file__).resolve().parents[2]


async def start(aiohttp_server, provider: Provider) -> str:
    server = await aiohttp_server(provider.app(), host="127.0.0.1")
    return str(server.make_url("/oai"))


async def run_harvest(url: str, state: Path, *, policy: RetryPolicy = FAST,
                      **kwargs) -> list[SourceRecord]:
    delivered: list[SourceRecord] = []
    async with OAIClient(url, source="fault", library="DB-TEST", policy=policy) as client:
        async for page in harvest(client, CheckpointStore(state), **kwargs):
            delivered.extend(i for i in page.records if isinstance(i, SourceRecord))
            await page.commit()
    return delivered


async def run_grouped(url: str, state: Path, group: int, **kwargs) -> list[SourceRecord]:
    """A consumer that stores ``group`` pages at a time (read ahead), then commits them."""
    delivered: list[SourceRecord] = []
    held = []
    async with OAIClient(url, source="fault", library="DB-TEST", policy=FAST) as client:
        async for page in harvest(client, CheckpointStore(state), read_ahead=group, **kwargs):
            held.append(page)
            if len(held) < group and not page.last:
                continue
            delivered.extend(i for p in held for i in p.records if isinstance(i, SourceRecord))
            for held_page in held:
                await held_page.commit()
            held = []
    return delivered


#: The 503 of these scenarios asks for ``Retry-After: 0`` (``retry_after=0``): what they check
#: is that the fault costs exactly one retry and loses nothing; waiting the second a real
#: provider asks for is `test_retry_after_is_honoured`'s claim, and it keeps that second.
FAULTS = [
    pytest.param({}, id="no-fault"),
    pytest.param({3: "drop"}, id="connection-dropped-mid-page"),
    pytest.param({1: "drop", 4: "drop"}, id="two-drops-first-page-too"),
    pytest.param({2: "truncate"}, id="truncated-xml"),
    pytest.param({5: "503"}, id="503-retry-after"),
    pytest.param({2: "truncate", 3: "drop", 6: "503"}, id="all-three"),
]


@pytest.mark.parametrize("group", [2, 3], ids=["two-pages-a-batch", "three-pages-a-batch"])
@pytest.mark.parametrize("faults", FAULTS)
async def test_read_ahead_loses_and_repeats_nothing(aiohttp_server, tmp_path, faults, group):
    provider = Provider(total=50, page_size=7, faults=dict(faults), deleted_every=9,
                        retry_after=0)
    url = await start(aiohttp_server, provider)
    delivered = await run_grouped(url, tmp_path, group)
    assert [r.source_id for r in delivered] == provider.all_ids
    assert not provider.faults, "every armed fault fired"
    list_requests = [q for q in provider.requests if q.get("verb") == "ListRecords"]
    assert len(list_requests) == 8 + len(faults), "each fault cost exactly one retry"
    saved = CheckpointStore(tmp_path).load("fault")
    assert saved is not None and saved.complete and saved.records_seen == 50


async def test_read_ahead_restart_makes_the_uncommitted_pages_stale(aiohttp_server, tmp_path):
    """badResumptionToken for page 3 while pages 1-2 are held: the list restarts, pages 1-2
    come again, and committing the held ones saves nothing."""
    provider = Provider(total=40, page_size=10, faults={3: "expire"})
    url = await start(aiohttp_server, provider)
    delivered = await run_grouped(url, tmp_path, 3, from_="2026-01-01T00:00:00Z")
    assert [r.source_id for r in delivered] == provider.all_ids[:20] + provider.all_ids
    saved = CheckpointStore(tmp_path).load("fault")
    assert saved is not None and saved.complete and saved.restarts == 0
    assert saved.pages == 4 and saved.records_seen == 40


async def test_read_ahead_commits_while_the_next_pages_arrive(aiohttp_server, tmp_path):
    """Pages committed (in order) by a task while the next ones are delivered: every page
    keeps its number, and the checkpoint ends after the last."""
    provider = Provider(total=50, page_size=7)
    url = await start(aiohttp_server, provider)

    async def commit(pages: list) -> None:
        for page in pages:
            await page.commit()

    numbers, held = [], []
    committing: asyncio.Future[None] | None = None
    async with OAIClient(url, source="fault", policy=FAST) as client:
        async for page in harvest(client, CheckpointStore(tmp_path), read_ahead=4):
            numbers.append(page.number)
            held.append(page)
            if len(held) == 2 or page.last:
                if committing is not None:
                    await committing
                committing, held = asyncio.ensure_future(commit(held)), []
        assert committing is not None
        await committing
    assert numbers == list(range(1, 9))
    saved = CheckpointStore(tmp_path).load("fault")
    assert saved is not None and saved.complete and saved.pages == 8
    assert saved.records_seen == 50


async def test_read_ahead_pages_held_beyond_it_are_refused(aiohttp_server, tmp_path):
    provider = Provider(total=50, page_size=10)
    url = await start(aiohttp_server, provider)
    async with OAIClient(url, source="fault", policy=FAST) as client:
        pages = harvest(client, CheckpointStore(tmp_path), read_ahead=2)
        await anext(pages)
        await anext(pages)
        await anext(pages)
        with pytest.raises(HarvestError, match="page 1 was not committed"):
            await anext(pages)


async def test_pages_committed_out_of_order_are_refused(aiohttp_server, tmp_path):
    provider = Provider(total=30, page_size=10)
    url = await start(aiohttp_server, provider)
    async with OAIClient(url, source="fault", policy=FAST) as client:
        pages = harvest(client, CheckpointStore(tmp_path), read_ahead=2)
        await anext(pages)
        second = await anext(pages)
        with pytest.raises(HarvestError, match="page 2 was committed before page 1"):
            await second.commit()
        await pages.aclose()
    assert CheckpointStore(tmp_path).load("fault") is None


async def killed_on_page_4(aiohttp_server, tmp_path: Path, group: int):
    """A provider, a runner of the harvester process (``harvest_worker.py``: ``group`` pages
    stored at a time into ``tmp_path / "store.txt"``, checkpoints in ``tmp_path / "state"``) and
    the event set when the process was SIGKILLed: the first time page 4 is asked for."""
    processes: list[asyncio.subprocess.Process] = []
    killed = asyncio.Event()

    async def kill_on_page_4(page: int) -> None:
        if page == 4 and not killed.is_set():
            killed.set()
            processes[-1].kill()
            await processes[-1].wait()

    provider = Provider(total=60, page_size=8, deleted_every=7, on_page=kill_on_page_4)
    url = await start(aiohttp_server, provider)

    async def run_worker() -> tuple[int, str]:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, str(WORKER), url, str(tmp_path / "state"),
            str(tmp_path / "store.txt"), str(group), cwd=REPO,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        processes.append(proc)
        stdout, stderr = await asyncio.wait_for(proc.communicate(), timeout=60)
        return proc.returncode or 0, stdout.decode() + stderr.decode()

    return provider, run_worker, killed


async def test_killed_harvest_reading_ahead_resumes_where_it_stopped(aiohttp_server, tmp_path):
    """Pages stored two at a time, each next page fetched while they are stored: SIGKILL when
    page 4 is asked for (page 3 fetched and held, not stored), restart: every id once."""
    out, state = tmp_path / "store.txt", tmp_path / "state"
    provider, run_worker, killed = await killed_on_page_4(aiohttp_server, tmp_path, 2)
    code, output = await run_worker()
    assert killed.is_set() and code != 0, output
    assert output.split() == ["committed", "1", "committed", "2"]
    code, output = await run_worker()
    assert code == 0, output
    assert out.read_text().split() == provider.all_ids
    assert CheckpointStore(state).load("killed").complete


@pytest.mark.parametrize("faults", FAULTS)
async def test_transport_faults_lose_and_repeat_nothing(aiohttp_server, tmp_path, faults):
    provider = Provider(total=50, page_size=7, faults=dict(faults), deleted_every=9,
                        retry_after=0)
    url = await start(aiohttp_server, provider)
    delivered = await run_harvest(url, tmp_path)
    assert [r.source_id for r in delivered] == provider.all_ids
    assert not provider.faults, "every armed fault fired"
    list_requests = [q for q in provider.requests if q.get("verb") == "ListRecords"]
    assert len(list_requests) == 8 + len(faults), "each fault cost exactly one retry"
    assert [r.deleted for r in delivered] == [n % 9 == 0 for n in range(50)]
    assert all(r.record["245"]["a"].startswith("Lịch sử") for r in delivered if not r.deleted)


async def test_retry_after_is_honoured(aiohttp_server, tmp_path):
    provider = Provider(total=20, page_size=10, faults={2: "503"})
    url = await start(aiohttp_server, provider)
    await run_harvest(url, tmp_path)
    served_page_2 = next(t for page, t in provider.served_at if page == 2)
    assert served_page_2 - provider.fault_times["503"] >= 0.9


async def test_timeout_is_retried(aiohttp_server, tmp_path):
    provider = Provider(total=20, page_size=10, faults={2: "slow"}, slow_seconds=3)
    url = await start(aiohttp_server, provider)
    policy = RetryPolicy(attempts=3, backoff=0.01, timeout=1)
    delivered = await run_harvest(url, tmp_path, policy=policy)
    assert [r.source_id for r in delivered] == provider.all_ids


async def test_gives_up_after_bounded_retries(aiohttp_server, tmp_path):
    provider = Provider(total=20, page_size=10)

    async def always_busy(page: int) -> None:
        provider.faults[page] = "503"

    provider.on_page = always_busy
    url = await start(aiohttp_server, provider)
    policy = RetryPolicy(attempts=3, backoff=0.01, max_retry_after=0.05)
    with pytest.raises(HarvestError, match="gave up after 3 attempts: HTTP 503") as caught:
        await run_harvest(url, tmp_path, policy=policy)
    assert caught.value.source == "fault"
    assert len(provider.requests) == 3


@pytest.mark.parametrize(
    ("setting", "waits"),
    [
        pytest.param("", [2.0, 4.0, 8.0, 16.0], id="unset-2s-doubling"),
        pytest.param("0.05", [0.05, 0.1, 0.2, 0.4], id="shortest"),
        pytest.param("45", [45.0, 60.0, 60.0, 60.0], id="capped-at-60s"),
    ],
)
async def test_a_client_given_no_policy_waits_as_the_setting_says(
    monkeypatch: pytest.MonkeyPatch, setting: str, waits: list[float]
) -> None:
    """MUCLUC_HARVEST_RETRY_SECONDS is the first wait of `mucluc harvest`'s clients (which are
    given no policy); the waits are recorded, not slept."""
    monkeypatch.setenv("MUCLUC_HARVEST_RETRY_SECONDS", setting)
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    dead = f"http://127.0.0.1:{free_port()}/oai"
    async with OAIClient(dead, source="dead", sleep=sleep) as client:
        with pytest.raises(HarvestError, match="gave up after 5 attempts"):
            await client.identify()
    assert slept == waits


async def test_bad_resumption_token_restarts_from_checkpointed_from(aiohttp_server, tmp_path):
    provider = Provider(total=40, page_size=10, faults={3: "expire"})
    url = await start(aiohttp_server, provider)
    delivered = await run_harvest(url, tmp_path, from_="2026-01-01T00:00:00Z")
    ids = [r.source_id for r in delivered]
    # pages 1-2 come again after the restart: an upserting store sees every record once
    assert sorted(set(ids)) == provider.all_ids
    assert ids == provider.all_ids[:20] + provider.all_ids
    restart = [q for q in provider.requests if q.get("verb") == "ListRecords"][3]
    assert restart == {"verb": "ListRecords", "metadataPrefix": "marc21",
                       "from": "2026-01-01T00:00:00Z"}
    saved = CheckpointStore(tmp_path).load("fault")
    assert saved is not None and saved.complete and saved.restarts == 0


async def test_repeated_resumption_token_aborts(aiohttp_server, tmp_path):
    provider = Provider(total=40, page_size=10, repeat_token=True)
    url = await start(aiohttp_server, provider)
    with pytest.raises(HarvestError, match="resumptionToken 'same' 6 times"):
        await run_harvest(url, tmp_path, max_same_token=5)
    assert len(provider.requests) == 6


async def test_uncommitted_page_is_refused(aiohttp_server, tmp_path):
    provider = Provider(total=30, page_size=10)
    url = await start(aiohttp_server, provider)
    async with OAIClient(url, source="fault", policy=FAST) as client:
        pages = harvest(client, CheckpointStore(tmp_path))
        await anext(pages)
        with pytest.raises(HarvestError, match="page 1 was not committed"):
            await anext(pages)


async def test_incremental_from_uses_server_response_date_and_granularity(aiohttp_server,
                                                                         tmp_path):
    provider = Provider(total=15, page_size=10, granularity="YYYY-MM-DD")
    url = await start(aiohttp_server, provider)
    await run_harvest(url, tmp_path)
    saved = CheckpointStore(tmp_path).load("fault")
    assert saved is not None and saved.next_from == RESPONSE_DATE[:10]
    await run_harvest(url, tmp_path)
    second_run = [q for q in provider.requests if q.get("verb") == "ListRecords"][2]
    assert second_run["from"] == "2026-03-04"


async def test_illegal_xml_characters_are_replaced_and_reported(aiohttp_server, tmp_path):
    provider = Provider(total=12, page_size=6, illegal_in=frozenset({4, 8}))
    url = await start(aiohttp_server, provider)
    delivered = await run_harvest(url, tmp_path)
    assert [r.source_id for r in delivered] == provider.all_ids
    repaired = {r.source_id: r.repairs for r in delivered if r.repairs}
    assert sorted(repaired) == [provider.all_ids[4], provider.all_ids[8]]
    assert repaired[provider.all_ids[4]][0].field == "245$a"
    assert "\ufffd" in delivered[4].record["245"]["a"]


async def test_killed_harvest_resumes_where_it_stopped(aiohttp_server, tmp_path):
    """SIGKILL the harvester process when it asks for page 4, restart it: every id stored, and
    only the page being stored when it was killed stored again (stores upsert by id).

    Page 4 is asked for as soon as page 3's resumptionToken is read (fetched while page 3 is
    looked up and stored), so the kill lands before page 3 is stored, while it is stored or
    after its commit: the restart resumes after page 2 or page 3, and what page 3 stored before
    an uncommitted kill (none of it, some or all) is stored again."""
    out, state = tmp_path / "store.txt", tmp_path / "state"
    provider, run_worker, killed = await killed_on_page_4(aiohttp_server, tmp_path, 1)
    code, output = await run_worker()
    assert killed.is_set() and code != 0, output
    committed = output.split()
    assert committed in (["committed", "1", "committed", "2"],
                         ["committed", "1", "committed", "2", "committed", "3"]), output
    first = out.read_text().split()
    assert first == provider.all_ids[:len(first)], "page 3 was stored before the kill"
    code, output = await run_worker()
    assert code == 0, output
    second = out.read_text().split()[len(first):]
    assert second == provider.all_ids[len(provider.all_ids) - len(second):], \
        "the restart reads on from the page after the last commit to the end"
    again = len(first) + len(second) - len(provider.all_ids)
    assert again >= 0, "nothing lost"
    assert again == 0 if "3" in committed else again <= 8, "only page 3 came again"
    assert CheckpointStore(state).load("killed").complete


async def test_token_expired_while_the_harvester_was_down(aiohttp_server, tmp_path):
    """A checkpoint's token the server no longer knows: restart from the checkpointed from."""
    store = CheckpointStore(tmp_path)
    store.save(Checkpoint(source="fault", metadata_prefix="marc21", from_="2025-12-01",
                          resumption_token="expired-long-ago", pages=2, records_seen=20))
    provider = Provider(total=25, page_size=10)
    url = await start(aiohttp_server, provider)
    delivered = await run_harvest(url, tmp_path)
    assert [r.source_id for r in delivered] == provider.all_ids
    list_requests = [q for q in provider.requests if q.get("verb") == "ListRecords"]
    assert list_requests[0] == {"verb": "ListRecords", "resumptionToken": "expired-long-ago"}
    assert list_requests[1] == {"verb": "ListRecords", "metadataPrefix": "marc21",
                                "from": "2025-12-01"}
    saved = store.load("fault")
    assert saved.complete and saved.records_seen == 25 and saved.pages == 3
