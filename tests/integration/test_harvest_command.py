"""`mucluc harvest` and `mucluc sources` as a librarian runs them, against the real engine and
real HTTP peers: an inbox folder, the OAI-PMH test provider (killed and resumed), deletions in
an incremental harvest, and an unreachable source that must not stop the others.

Every command runs in a subprocess (`python -m mucluc ...`) while the OAI-PMH provider runs in
the test's event loop, so commands are awaited with asyncio, never run blocking.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import pymarc
import pytest
from opensearchpy import AsyncOpenSearch

from harvesters.checkpoints import CheckpointStore
from indexer.node import free_port
from indexer.store import alias
from mucluc.demo.isbn import make_isbn13
from tests.harvesters.oai_provider import Provider
from tests.marc_builders import book, write_marc

pytestmark = pytest.mark.engine

REPO = Path(__file__).resolve().parents[2]
MARCXML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>'


async def mucluc(*args: str, env: dict[str, str],
                 started: list[asyncio.subprocess.Process] | None = None) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "mucluc", *args, cwd=REPO, env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    if started is not None:
        started.append(proc)
    stdout, stderr = await asyncio.wait_for(proc.communicate(), timeout=300)
    return proc.returncode or 0, stdout.decode(), stderr.decode()


def workspace(folder: Path, config: str, opensearch_url: str, prefix: str) -> dict[str, str]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mucluc.toml").write_text(config, encoding="utf-8")
    return {
        "MUCLUC_CONFIG": str(folder / "mucluc.toml"),
        "MUCLUC_OPENSEARCH_URL": opensearch_url,
        "MUCLUC_INDEX_PREFIX": prefix,
        "MUCLUC_HOME": str(folder / "home"),
    }


def library(code: str, name: str, kind: str, *sources: str) -> str:
    text = f'[[library]]\ncode = "{code}"\nname = "{name}"\nkind = "{kind}"\n'
    for source in sources:
        text += f"[[library.sources]]\n{source}\n"
    return text


async def content(engine: AsyncOpenSearch, prefix: str) -> tuple[set[str], set[tuple[str, ...]]]:
    """(every raw-store record id, every union document's sorted members)."""
    await engine.indices.refresh(index=f"{prefix}-*")
    records = await engine.search(index=alias(prefix, "records"),
                                  body={"size": 10000, "_source": False})
    union = await engine.search(index=alias(prefix, "union"),
                                body={"size": 10000, "_source": ["members"]})
    return ({hit["_id"] for hit in records["hits"]["hits"]},
            {tuple(sorted(hit["_source"]["members"])) for hit in union["hits"]["hits"]})



def inbox_with_marc_and_csv(folder: Path) -> None:
    folder.mkdir(parents=True)
    # No field terminators at all: unreadable (a lying base address alone is now repaired).
    broken = bytearray(book("MCH-3", "Số đỏ").as_marc().replace(b"\x1e", b" "))
    write_marc(folder / "sach.mrc", [book("MCH-1", "Truyện Kiều", author="Nguyễn Du"),
                                     book("MCH-2", "Dế mèn phiêu lưu ký", author="Tô Hoài")])
    with open(folder / "sach.mrc", "ab") as out:
        out.write(bytes(broken))
    (folder / "sach.csv").write_text(
        "Mã,Tên sách,Tác giả\nMCH-10,Vợ chồng A Phủ,Tô Hoài\nMCH-11,Truyện Tây Bắc,Tô Hoài\n",
        encoding="utf-8",
    )


async def test_inbox_folder_harvested_searchable_reported_and_listed(
    tmp_path: Path, engine: AsyncOpenSearch, opensearch_url: str, index_prefix: str
) -> None:
    prefix = f"{index_prefix}-harvest-files"
    inbox_with_marc_and_csv(tmp_path / "inbox" / "MCH")
    config = library("MCH", "Thư viện huyện Mường Chà", "district",
                     'protocol = "files"\nname = "mch-inbox"\npath = "inbox/MCH"')
    env = workspace(tmp_path, config, opensearch_url, prefix)

    code, out, err = await mucluc("harvest", env=env)
    assert code == 0, err
    assert "MCH mch-inbox (files): ok, 5 fetched: 4 new, 0 updated, 0 unchanged" in out
    assert "1 rejected" in out and "MCH-3" in err and "Traceback" not in err
    assert "mch-inbox: harvesting" in err  # plain progress lines when not on a terminal

    hits = await engine.search(index=alias(prefix, "union"),
                               body={"query": {"match": {"title.folded": "truyen tay bac"}}})
    assert hits["hits"]["total"]["value"] >= 1
    assert hits["hits"]["hits"][0]["_source"]["members"] == ["MCH:MCH-11"]
    records, _ = await content(engine, prefix)
    assert records == {"MCH:MCH-1", "MCH:MCH-2", "MCH:MCH-10", "MCH:MCH-11"}

    reports = sorted((tmp_path / "home" / "reports").glob("*-harvest-mch-inbox.json"))
    assert len(reports) == 1
    report = json.loads(reports[0].read_text(encoding="utf-8"))
    assert (report["status"], report["fetched"], report["new"], report["rejected"]) == \
        ("ok", 5, 4, 1)
    assert report["problems"][0]["record_id"] == "MCH-3" and report["problems"][0]["reason"]
    assert report["started_at"] <= report["finished_at"]

    code, out, err = await mucluc("sources", env=env)
    assert code == 0, err
    assert f"mch-inbox  files  {tmp_path / 'inbox' / 'MCH'}" in out
    assert "ok, 5 fetched: 4 new, 0 updated, 0 unchanged, 0 deleted, 1 rejected" in out

    # A second run of the same folder adds nothing.
    code, out, err = await mucluc("harvest", "MCH", env=env)
    assert code == 0, err
    assert "5 fetched: 0 new, 0 updated, 4 unchanged" in out


@pytest.mark.parametrize(
    ("pages_per_batch", "kill_on"),
    # a page a batch: killed while early pages are stored; the default (5 pages a batch, the
    # next page fetched while a batch is stored): killed once at least one batch is committed
    [(1, 4), (None, 12)],
    ids=["a-page-a-batch", "default-pages-per-batch"],
)
async def test_killed_harvest_resumed_equals_uninterrupted(
    aiohttp_server, tmp_path: Path, engine: AsyncOpenSearch, opensearch_url: str,
    index_prefix: str, pages_per_batch: int | None, kill_on: int,
) -> None:
    """SIGKILL `mucluc harvest` when it asks for a page, run it again: the resumed run starts
    after the last committed page (its checkpoint), and the index is exactly the one an
    uninterrupted harvest of the same records (a twin provider, run meanwhile) builds in
    another prefix.

    The next page is fetched while a batch is stored, so pages asked for before the kill may
    not be committed yet: they are asked for again, and stored once (stores upsert)."""
    processes: list[asyncio.subprocess.Process] = []
    killed = asyncio.Event()

    async def kill_on_page(page: int) -> None:
        if page == kill_on and not killed.is_set():
            killed.set()
            processes[-1].kill()
            await processes[-1].wait()

    provider = Provider(total=120, page_size=8, deleted_every=7, on_page=kill_on_page)
    # The uninterrupted harvest runs meanwhile, from a twin provider (the same records, its own
    # request log, no kill), so that it neither fires the kill nor mixes into `requests`.
    twin = Provider(total=120, page_size=8, deleted_every=7)
    per_batch = "" if pages_per_batch is None else f"\npages_per_batch = {pages_per_batch}"

    async def config_serving(peer: Provider) -> str:
        server = await aiohttp_server(peer.app(), host="127.0.0.1")
        return library("TGI", "Thư viện huyện Tuần Giáo", "district",
                        f'protocol = "oai-pmh"\nurl = "{server.make_url("/oai")}"{per_batch}')

    resumed = workspace(tmp_path / "resumed", await config_serving(provider), opensearch_url,
                        f"{index_prefix}-harvest-resumed")
    whole = workspace(tmp_path / "whole", await config_serving(twin), opensearch_url,
                      f"{index_prefix}-harvest-whole")
    uninterrupted = asyncio.create_task(mucluc("harvest", env=whole))

    code, out, err = await mucluc("harvest", env=resumed, started=processes)
    assert killed.is_set() and code != 0, out + err
    stored_before, _ = await content(engine, resumed["MUCLUC_INDEX_PREFIX"])
    assert 0 < len(stored_before) < 120
    asked_before = len([q for q in provider.requests if q.get("verb") == "ListRecords"])
    checkpoint = CheckpointStore(Path(resumed["MUCLUC_HOME"]) / "harvest").load("TGI-oai-pmh-1")
    assert checkpoint is not None and checkpoint.resumption_token is not None
    assert checkpoint.pages < kill_on, "a page is committed only after it was asked for"

    code, out, err = await mucluc("harvest", env=resumed)
    assert code == 0, err
    list_requests = [q for q in provider.requests if q.get("verb") == "ListRecords"]
    assert list_requests[asked_before] == {
        "verb": "ListRecords", "resumptionToken": checkpoint.resumption_token,
    }, "the resumed run starts after the last committed page"
    code, out, err = await uninterrupted
    assert code == 0, err
    assert twin.all_ids == provider.all_ids and twin.local_ids == provider.local_ids

    resumed_content = await content(engine, resumed["MUCLUC_INDEX_PREFIX"])
    whole_content = await content(engine, whole["MUCLUC_INDEX_PREFIX"])
    expected = {f"TGI:{i}" for n, i in enumerate(provider.local_ids) if n % 7}
    assert whole_content[0] == expected
    assert resumed_content == whole_content


class BookProvider(Provider):
    """The test provider serving fuller book records (ISBN, year, publisher) that cluster with
    the same books sent by another library."""

    def _record(self, n: int) -> str:
        xml = super()._record(n)
        if "<metadata>" not in xml:
            return xml  # a deletion
        head = xml[: xml.index("<metadata>")]
        marc = pymarc.record_to_xml(shared_book(f"TGI-{n}", n), namespace=True).decode()
        return f"{head}<metadata>{marc}</metadata></record>"


def shared_book(control: str, n: int) -> pymarc.Record:
    return book(control, f"Truyện cổ Thái tập {n}", author="Cầm Trọng",
                isbn=make_isbn13("978-604-2", f"thai-{n}"), year=2015, pages=100 + n)


async def test_deletions_in_an_incremental_harvest_remove_that_librarys_holding(
    aiohttp_server, tmp_path: Path, engine: AsyncOpenSearch, opensearch_url: str,
    index_prefix: str,
) -> None:
    provider = BookProvider(total=10, page_size=4)
    server = await aiohttp_server(provider.app(), host="127.0.0.1")
    write_marc_dir = tmp_path / "inbox" / "DBI"
    write_marc_dir.mkdir(parents=True)
    write_marc(write_marc_dir / "dbi.mrc", [shared_book(f"DBI-{n}", n) for n in range(10)])
    config = (
        library("DBI", "Thư viện tỉnh Điện Biên", "provincial",
                'protocol = "files"\npath = "inbox/DBI"')
        + library("TGI", "Thư viện huyện Tuần Giáo", "district",
                  f'protocol = "oai-pmh"\nurl = "{server.make_url("/oai")}"')
    )
    env = workspace(tmp_path, config, opensearch_url, f"{index_prefix}-harvest-deleted")
    code, out, err = await mucluc("harvest", env=env)
    assert code == 0, err
    _, union = await content(engine, env["MUCLUC_INDEX_PREFIX"])
    both = {(f"DBI:DBI-{n}", f"TGI:TGI-{n}") for n in range(10)}
    assert union == both, "each book is held by both libraries"

    provider.deleted_every = 5  # the library withdrew books 0 and 5
    code, out, err = await mucluc("harvest", "TGI", env=env)
    assert code == 0, err
    assert "TGI TGI-oai-pmh-1 (oai-pmh): ok, 10 fetched: 0 new, 0 updated, 8 unchanged, " \
        "2 deleted" in out
    incremental = [q for q in provider.requests
                   if q.get("verb") == "ListRecords" and "resumptionToken" not in q][-1]
    assert incremental.get("from") == "2026-03-04T05:06:07Z"
    records, union = await content(engine, env["MUCLUC_INDEX_PREFIX"])
    gone = {f"TGI:TGI-{n}" for n in (0, 5)}  # deleted by OAI identifier, stored by 001
    assert not gone & records
    assert union == {pair for pair in both if pair[1] not in gone} | {
        (f"DBI:DBI-{n}",) for n in (0, 5)
    }, "the deleted books are still found, held by the provincial library only"


async def test_failing_source_is_reported_and_the_others_still_load(
    tmp_path: Path, engine: AsyncOpenSearch, opensearch_url: str, index_prefix: str
) -> None:
    inbox_with_marc_and_csv(tmp_path / "inbox" / "MCH")
    dead = f"http://librarian:s3cret@127.0.0.1:{free_port()}/oai"
    config = (
        library("TGI", "Thư viện huyện Tuần Giáo", "district",
                f'protocol = "oai-pmh"\nname = "tgi-koha"\nurl = "{dead}"')
        + library("MCH", "Thư viện huyện Mường Chà", "district",
                  'protocol = "files"\nname = "mch-inbox"\npath = "inbox/MCH"')
    )
    env = workspace(tmp_path, config, opensearch_url, f"{index_prefix}-harvest-failing")
    # The dead source still fails after its 5 attempts; only the waits between them (2 + 4 + 8
    # + 16 s by default) are shortened: their length is test_oaipmh_faults's claim, not this one's.
    env["MUCLUC_HARVEST_RETRY_SECONDS"] = "0.05"
    code, out, err = await mucluc("harvest", "--concurrency", "1", env=env)
    assert code == 1, out + err
    assert "Traceback" not in err and "s3cret" not in out + err
    failed = next(line for line in out.splitlines() if line.startswith("TGI tgi-koha"))
    assert "FAILED" in failed and "127.0.0.1" in failed
    assert "gave up after 5 attempts" in failed, failed  # retried as in production
    assert "MCH mch-inbox (files): ok, 5 fetched: 4 new" in out
    records, _ = await content(engine, env["MUCLUC_INDEX_PREFIX"])
    assert len(records) == 4

    code, out, err = await mucluc("sources", "--json", env=env)
    assert code == 0, err
    assert "s3cret" not in out
    listed = {row["source"]: row for row in json.loads(out)}
    assert listed["tgi-koha"]["location"].startswith("http://***:***@127.0.0.1:")
    assert listed["tgi-koha"]["last_run"]["status"] == "failed"
    assert listed["tgi-koha"]["last_run"]["error"]
    assert listed["mch-inbox"]["last_run"]["status"] == "ok"
    assert listed["mch-inbox"]["last_run"]["new"] == 4
