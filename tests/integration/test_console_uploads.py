"""Issue 14 A, uploads and their security: real files into the real engine through the real API.

A DBP key uploads for DBP only, reads DBP's reports only; no key is a 401; a revoked key stops
at once; forged or replayed forms are refused; refused files (bombs, entity payloads, limits)
load nothing; keys appear in no log, report, job or audit entry.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient
from opensearchpy import AsyncOpenSearch

from indexer.accounts import Accounts
from indexer.console_records import save_job
from searchapi.console.state import CONSOLE
from tests.catalogue import ApiClient
from tests.integration.console_helpers import console_api, console_catalogue, csrf_of, sign_in

pytestmark = pytest.mark.engine

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<collection xmlns="http://www.loc.gov/MARC21/slim"><record><leader>00000nam a2200000 a 4500</leader>
<controlfield tag="001">X1</controlfield><datafield tag="245" ind1="0" ind2="0">
<subfield code="a">&lol3;</subfield></datafield></record></collection>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<collection xmlns="http://www.loc.gov/MARC21/slim"><record><leader>00000nam a2200000 a 4500</leader>
<controlfield tag="001">X2</controlfield><datafield tag="245" ind1="0" ind2="0">
<subfield code="a">&x;</subfield></datafield></record></collection>"""


@pytest.fixture(scope="module")
async def prefix(engine: AsyncOpenSearch, index_prefix: str):
    async with console_catalogue(engine, f"{index_prefix}-console-uploads") as name:
        yield name


@pytest.fixture
async def console(engine: AsyncOpenSearch, api_client: ApiClient, prefix: str):
    async with console_api(engine, api_client, prefix) as both:
        yield both


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def finished(client: TestClient, job_id: str, key: str) -> dict[str, Any]:
    """The job once every upload of the serving process has ended."""
    await client.server.app[CONSOLE].runner().drain()
    response = await client.get(f"/api/v1/jobs/{job_id}", headers=bearer(key))
    assert response.status == 200
    assert response.headers["Cache-Control"] == "no-store"
    return await response.json()


async def stored(engine: AsyncOpenSearch, accounts: Accounts, library: str) -> int:
    await accounts.store.refresh("records")
    found = await engine.count(index=accounts.store.alias("records"),
                               body={"query": {"term": {"library": library}}})
    return found["count"]


async def upload(client: TestClient, key: str, code: str, body: bytes, name: str,
                 **params: str) -> Any:
    return await client.post(f"/api/v1/libraries/{code}/uploads", data=body,
                             params={"filename": name, **params}, headers=bearer(key))


def vietnamese_workbook() -> bytes:
    """A school's book list as it is really sent: a title row, Vietnamese headings, a row
    without a title (rejected), ``3.0`` copies in a number column."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sách"
    sheet.append(["DANH MỤC SÁCH THƯ VIỆN THÀNH PHỐ ĐIỆN BIÊN PHỦ"])
    sheet.append(["Số ĐKCB", "Tên sách", "Tác giả", "Nhà xuất bản", "Năm xuất bản", "Số bản"])
    sheet.append(["DBP-0001", "Dế Mèn phiêu lưu ký", "Tô Hoài", "Kim Đồng", 2019, 3.0])
    sheet.append(["DBP-0002", "Truyện Kiều", "Nguyễn Du", "Văn học", 2015, 2])
    sheet.append(["DBP-0003", "", "Khuyết danh", "", "", 1])
    sheet.append(["DBP-0004", "Đất rừng phương Nam", "Đoàn Giỏi", "Kim Đồng", 2020, 1])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# Uploads that load --------------------------------------------------------------------------

async def test_a_real_marc_file_becomes_a_job_with_a_report_of_rejected_records(
    console: tuple[TestClient, Accounts], engine: AsyncOpenSearch, shared_data: Path
) -> None:
    client, accounts = console
    _, key = await accounts.grant("librarian", "DBP")
    response = await upload(client, key, "DBP", (shared_data / "pymarc/bad_records.mrc")
                            .read_bytes(), "bad_records.mrc")
    assert response.status == 202, await response.text()
    queued = await response.json()
    assert response.headers["Location"] == f"/api/v1/jobs/{queued['id']}"
    assert queued["state"] in {"queued", "running"}
    job = await finished(client, queued["id"], key)
    assert job["state"] == "done", job
    report = job["report"]
    assert report["balanced"] and report["read"] == 8
    assert report["skipped"] >= 2
    for problem in report["problems"]:
        assert problem["source"] == "bad_records.mrc"
        assert problem["offset"] is not None and problem["reason"]
    assert await stored(engine, accounts, "DBP") == report["new"] > 0
    assert "/tmp" not in json.dumps(job) and "mucluc-upload" not in json.dumps(job)


async def test_a_vietnamese_workbook_through_the_console_form_and_its_downloads(
    console: tuple[TestClient, Accounts], engine: AsyncOpenSearch
) -> None:
    client, accounts = console
    _, key = await accounts.grant("librarian", "DBP")
    await sign_in(client, key)
    form_page = await client.get("/console/DBP/upload")
    assert form_page.status == 200
    form = FormData()
    form.add_field("csrf", csrf_of(await form_page.text()))
    form.add_field("file", vietnamese_workbook(), filename="danh-muc-sach.xlsx")
    form.add_field("format", "auto")
    response = await client.post("/console/DBP/upload", data=form, allow_redirects=False)
    assert response.status == 303, await response.text()
    location = response.headers["Location"]
    job_id = location.rsplit("/", 1)[-1]
    await client.server.app[CONSOLE].runner().drain()
    page = await (await client.get(location)).text()
    assert "Biểu ghi bị từ chối" in page and "danh-muc-sach.xlsx" in page
    job = await (await client.get(f"/api/v1/jobs/{job_id}")).json()  # the session suffices
    assert job["state"] == "done" and job["report"]["new"] == 3
    assert job["report"]["skipped"] == 1
    assert await stored(engine, accounts, "DBP") == 3
    csv_text = (await (await client.get(f"{location}/report.csv")).read()).decode("utf-8-sig")
    assert "danh-muc-sach.xlsx" in csv_text and len(csv_text.splitlines()) >= 2
    xlsx = await (await client.get(f"{location}/report.xlsx")).read()
    rows = list(openpyxl.load_workbook(io.BytesIO(xlsx)).active.iter_rows(values_only=True))
    assert any(row[0] == "Biểu ghi bị từ chối" for row in rows)


# Who may do what ----------------------------------------------------------------------------

async def test_a_dbp_key_cannot_upload_to_or_read_another_library(
    console: tuple[TestClient, Accounts], engine: AsyncOpenSearch, shared_data: Path
) -> None:
    client, accounts = console
    _, dbp = await accounts.grant("librarian", "DBP")
    _, admin = await accounts.grant("admin", None)
    marc = (shared_data / "pymarc/marc8.dat").read_bytes()
    assert (await upload(client, dbp, "TGI", marc, "tgi.mrc")).status == 403
    theirs = await (await upload(client, admin, "TGI", marc, "tgi.mrc")).json()
    await finished(client, theirs["id"], admin)
    assert (await client.get(f"/api/v1/jobs/{theirs['id']}", headers=bearer(dbp))).status == 403
    await sign_in(client, dbp)
    job_page = f"/console/TGI/jobs/{theirs['id']}"
    for path in (job_page, f"{job_page}/report.csv", f"{job_page}/report.xlsx",
                 "/console/TGI/upload", "/console/TGI/jobs", "/console/audit"):
        assert (await client.get(path)).status == 403, path
    # the job is TGI's: asking for it under DBP's address does not find it either
    assert (await client.get(f"/console/DBP/jobs/{theirs['id']}")).status == 404
    assert await stored(engine, accounts, "DBP") == 0


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer mlk_000000000000." + "a" * 43},
    {"Authorization": "Basic dXNlcjpwYXNz"}, {"Authorization": "Bearer"},
], ids=["no-key", "unknown-key", "basic-auth", "empty-bearer"])
async def test_no_valid_key_is_401_in_json(
    console: tuple[TestClient, Accounts], headers: dict[str, str]
) -> None:
    client, _ = console
    response = await client.post("/api/v1/libraries/DBP/uploads", data=b"x", headers=headers)
    assert response.status == 401
    assert (await response.json())["error"]["code"] == "unauthorized"
    assert (await client.get("/api/v1/jobs/0123456789abcdef", headers=headers)).status == 401


async def test_a_revoked_key_stops_uploading_at_once(
    console: tuple[TestClient, Accounts], shared_data: Path
) -> None:
    client, accounts = console
    key_id, key = await accounts.grant("librarian", "DBP")
    marc = (shared_data / "pymarc/marc8.dat").read_bytes()
    first = await upload(client, key, "DBP", marc, "a.mrc")
    assert first.status == 202
    await accounts.revoke(key_id)
    assert (await upload(client, key, "DBP", marc, "a.mrc")).status == 401
    job_id = (await first.json())["id"]
    assert (await client.get(f"/api/v1/jobs/{job_id}", headers=bearer(key))).status == 401
    await client.server.app[CONSOLE].runner().drain()


async def test_console_uploads_need_a_fresh_form_token(
    console: tuple[TestClient, Accounts], shared_data: Path
) -> None:
    client, accounts = console
    _, key = await accounts.grant("librarian", "DBP")
    await sign_in(client, key)
    token = csrf_of(await (await client.get("/console/DBP/upload")).text())
    marc = (shared_data / "pymarc/marc8.dat").read_bytes()

    def form(csrf: str | None) -> FormData:
        data = FormData()
        if csrf is not None:
            data.add_field("csrf", csrf)
        data.add_field("file", marc, filename="a.mrc")
        return data

    forged = token[:-4] + ("0000" if not token.endswith("0000") else "1111")
    for csrf in (None, forged):
        response = await client.post("/console/DBP/upload", data=form(csrf),
                                     allow_redirects=False)
        assert response.status == 403
    assert (await client.post("/console/DBP/upload", data=form(token),
                              allow_redirects=False)).status == 303
    replayed = await client.post("/console/DBP/upload", data=form(token), allow_redirects=False)
    assert replayed.status == 403
    # the API with only the session cookie (a cross-site script's position) needs the token too
    response = await client.post("/api/v1/libraries/DBP/uploads", data=marc,
                                 params={"filename": "a.mrc"})
    assert response.status == 403
    await client.server.app[CONSOLE].runner().drain()


# Refused files: a clear message, nothing loaded ---------------------------------------------

def zip_bomb(inflated: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            zeros = b"0" * (1024 * 1024)
            for _ in range(inflated // len(zeros)):
                member.write(zeros)
    return out.getvalue()


async def test_a_zip_bomb_workbook_is_refused_before_it_is_opened(
    console: tuple[TestClient, Accounts], engine: AsyncOpenSearch
) -> None:
    client, accounts = console
    client.server.app[CONSOLE].limits.unzipped_bytes = 8 * 1024 * 1024
    _, key = await accounts.grant("librarian", "DBP")
    response = await upload(client, key, "DBP", zip_bomb(16 * 1024 * 1024), "sach.xlsx")
    assert response.status == 400
    error = (await response.json())["error"]
    assert error["code"] == "refused_zip_bomb" and "MB" in error["message"]
    assert await stored(engine, accounts, "DBP") == 0


@pytest.mark.parametrize("payload", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "xxe"])
async def test_an_xml_entity_payload_is_refused_with_a_clear_message(
    console: tuple[TestClient, Accounts], engine: AsyncOpenSearch, payload: bytes
) -> None:
    client, accounts = console
    _, key = await accounts.grant("librarian", "DBP")
    queued = await (await upload(client, key, "DBP", payload, "records.xml")).json()
    job = await finished(client, queued["id"], key)
    assert job["state"] == "failed"
    assert "entities" in job["error"]["message"] and "records.xml" in job["error"]["message"]
    assert "/tmp" not in job["error"]["message"]
    assert await stored(engine, accounts, "DBP") == 0


async def test_too_many_records_loads_nothing(
    console: tuple[TestClient, Accounts], engine: AsyncOpenSearch, shared_data: Path
) -> None:
    client, accounts = console
    client.server.app[CONSOLE].limits.records = 3
    _, key = await accounts.grant("librarian", "DBP")
    body = (shared_data / "pymarc_dedupe/alma_marc_records.xml").read_bytes()
    queued = await (await upload(client, key, "DBP", body, "alma.xml")).json()
    job = await finished(client, queued["id"], key)
    assert job["state"] == "failed" and job["error"]["code"] == "too_many_records"
    assert "3 records" in job["error"]["message"]
    assert await stored(engine, accounts, "DBP") == 0


@pytest.mark.parametrize(("body", "name", "params", "status", "code"), [
    (b"x" * 2048, "big.mrc", {}, 413, "upload_too_large"),
    (b"", "empty.mrc", {}, 400, "empty_upload"),
    (b"hello", "notes.pdf", {}, 400, "unsupported_format"),
    (b"00000", "a.mrc", {"format": "word"}, 400, "unsupported_format"),
], ids=["too-large", "empty", "unknown-format", "bad-format-parameter"])
async def test_uploads_outside_the_limits_are_refused_clearly(
    console: tuple[TestClient, Accounts], engine: AsyncOpenSearch, body: bytes, name: str,
    params: dict[str, str], status: int, code: str
) -> None:
    client, accounts = console
    client.server.app[CONSOLE].limits.upload_bytes = 1024
    _, key = await accounts.grant("librarian", "DBP")
    response = await upload(client, key, "DBP", body, name, **params)
    assert response.status == status
    assert (await response.json())["error"]["code"] == code
    assert await stored(engine, accounts, "DBP") == 0


# Keys in no log, report or audit entry; the audit log -----------------------------------------

async def test_keys_never_appear_in_logs_reports_jobs_or_audit(
    console: tuple[TestClient, Accounts], shared_data: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client, accounts = console
    key_id, key = await accounts.grant("librarian", "DBP")
    _, admin = await accounts.grant("admin", None)
    secret = key.split(".", 1)[1]
    queued = await (await upload(client, key, "DBP", (shared_data / "pymarc/bad_records.mrc")
                                 .read_bytes(), "bad.mrc")).json()
    job = await finished(client, queued["id"], key)
    await upload(client, "mlk_" + key_id + ".wrong" + secret[6:], "DBP", b"x", "x.mrc")
    await sign_in(client, admin)
    audit_page = await (await client.get("/console/audit")).text()
    csv_report = await (await client.get(f"/console/DBP/jobs/{job['id']}/report.csv")).text()
    entries = await accounts.store.search("audit", {"query": {"match_all": {}}, "size": 100})
    seen = [caplog.text, json.dumps(job), audit_page, csv_report, json.dumps(entries)]
    for text in seen:
        assert secret not in text and secret[:20] not in text
    assert job["key_id"] == key_id and key_id in audit_page
    actions = {hit["_source"]["action"] for hit in entries["hits"]["hits"]}
    assert "upload" in actions


async def slow_body(data: bytes, pause: float):  # type: ignore[no-untyped-def]
    """A body sent in two halves with a pause between them: a slow connection."""
    yield data[: len(data) // 2]
    await asyncio.sleep(pause)
    yield data[len(data) // 2 :]


async def test_a_slow_upload_is_not_cut_by_the_api_request_time_limit(
    engine: AsyncOpenSearch, api_client: ApiClient, prefix: str, shared_data: Path
) -> None:
    async with console_api(engine, api_client, prefix, timeout=0.5) as (client, accounts):
        _, key = await accounts.grant("librarian", "DBP")
        marc = (shared_data / "pymarc/marc8.dat").read_bytes()
        response = await client.post("/api/v1/libraries/DBP/uploads", data=slow_body(marc, 1.0),
                                     params={"filename": "slow.mrc"}, headers=bearer(key))
        assert response.status == 202, await response.text()
        client.server.app[CONSOLE].limits.transfer_seconds = 0.5  # the upload's own limit
        response = await client.post("/api/v1/libraries/DBP/uploads", data=slow_body(marc, 1.5),
                                     params={"filename": "slow.mrc"}, headers=bearer(key))
        assert response.status == 408
        assert (await response.json())["error"]["code"] == "upload_too_slow"


def small_workbook(*books: tuple[str, str]) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["Số ĐKCB", "Tên sách"])
    for number, title in books:
        book.active.append([number, title])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_replace_mode_needs_the_count_confirmed_then_withdraws(
    console: tuple[TestClient, Accounts], engine: AsyncOpenSearch
) -> None:
    client, accounts = console
    _, key = await accounts.grant("librarian", "DBP")
    first = small_workbook(("DBP-1", "Tắt đèn"), ("DBP-2", "Số đỏ"), ("DBP-3", "Chí Phèo"))
    queued = await (await upload(client, key, "DBP", first, "a.xlsx")).json()
    assert (await finished(client, queued["id"], key))["state"] == "done"
    second = small_workbook(("DBP-1", "Tắt đèn"), ("DBP-4", "Vợ nhặt"))
    asked = await (await upload(client, key, "DBP", second, "b.xlsx", mode="replace")).json()
    job = await finished(client, asked["id"], key)
    assert job["state"] == "failed" and job["error"]["code"] == "confirm_replace"
    assert job["replace"]["would_remove"] == 2 and "remove 2 of" in job["error"]["message"]
    assert await stored(engine, accounts, "DBP") == 3  # nothing loaded, nothing removed
    wrong = await (await upload(client, key, "DBP", second, "b.xlsx", mode="replace",
                                confirm="1")).json()
    assert (await finished(client, wrong["id"], key))["state"] == "failed"
    done = await (await upload(client, key, "DBP", second, "b.xlsx", mode="replace",
                               confirm="2")).json()
    job = await finished(client, done["id"], key)
    assert job["state"] == "done", job
    assert (job["report"]["withdrawn"], job["report"]["new"]) == (2, 1)
    assert await stored(engine, accounts, "DBP") == 2


async def test_a_job_whose_process_died_is_shown_failed_not_running_forever(
    console: tuple[TestClient, Accounts],
) -> None:
    """A job document left ``running`` by a killed process (nothing saves it any more) is
    read as failed ``interrupted`` once its heartbeat is older than STALE_SECONDS; a job
    whose process still saves it stays running."""
    client, accounts = console
    _, key = await accounts.grant("librarian", "DBP")
    store = accounts.store
    base = {"library": "DBP", "key_id": "k", "file": "sach.mrc", "format": "marc",
            "bytes": 10, "mode": "add", "created_at": "2026-01-01T00:00:00+00:00",
            "progress": {"phase": "loading", "read": 5, "total": 10}, "report": None}
    dead = {**base, "id": "dead-job", "state": "running"}
    await store.bulk_all([{"index": {"_index": store.alias("jobs"), "_id": dead["id"]}},
                          {**dead, "updated_at": "2026-01-01T00:00:30+00:00"}], "test job")
    alive = {**base, "id": "alive-job", "state": "running"}
    await save_job(store, alive, refresh=True)  # stamped now, as the heartbeat does
    seen = await (await client.get("/api/v1/jobs/dead-job", headers=bearer(key))).json()
    assert seen["state"] == "failed" and seen["error"]["code"] == "interrupted"
    running = await (await client.get("/api/v1/jobs/alive-job", headers=bearer(key))).json()
    assert running["state"] == "running" and running["error"] is None
    listing = await client.get("/console/DBP/jobs", headers=bearer(key))
    assert listing.status == 200
