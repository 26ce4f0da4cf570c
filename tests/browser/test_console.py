"""The librarians' console in Debian's Chromium, on the real API and engine (issue 14 A).

The administrator grants DBP a key with the real command line; the librarian follows the
printed sign-in link, uploads a real MARC file from ../shared/data and a Vietnamese-headed
workbook built here, watches each job finish, reads the rejected-record report and downloads
it; the administrator reads the audit log. axe-core finds no WCAG 2.x AA violation on any of
these pages.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from opensearchpy import AsyncOpenSearch

from indexer.accounts import Accounts
from indexer.store import Store
from mucluc.cli.main import main as mucluc
from tests.browser import widget_site as site
from tests.browser.test_pages import axe
from tests.catalogue import api_app
from tests.integration.console_helpers import CONSOLE_LIBRARIES

playwright_api = pytest.importorskip("playwright.async_api", reason="pip install playwright")
expect = playwright_api.expect

pytestmark = [pytest.mark.engine, pytest.mark.browser]


def workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sách"
    sheet.append(["DANH MỤC SÁCH THƯ VIỆN THÀNH PHỐ ĐIỆN BIÊN PHỦ"])
    sheet.append(["Số ĐKCB", "Tên sách", "Tác giả", "Nhà xuất bản", "Năm xuất bản"])
    sheet.append(["DBP-0101", "Những ngôi sao xa xôi", "Lê Minh Khuê", "Kim Đồng", 2018])
    sheet.append(["DBP-0102", "", "Khuyết danh", "", ""])  # no title: rejected
    sheet.append(["DBP-0103", "Điện Biên Phủ: điểm hẹn lịch sử", "Võ Nguyên Giáp", "QĐND", 2004])
    book.save(path)
    return path


@pytest.fixture(scope="module")
async def console_url(
    engine: AsyncOpenSearch, index_prefix: str, opensearch_url: str
) -> AsyncIterator[tuple[str, str]]:
    prefix = f"{index_prefix}-console-browser"
    store = Store(engine, prefix)
    await store.drop_all()
    await store.ensure_indices()
    runner, url = await site.start(api_app(opensearch_url, prefix, CONSOLE_LIBRARIES))
    yield url, prefix
    await runner.cleanup()
    await store.drop_all()


async def grant_with_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, opensearch_url: str, prefix: str, url: str
) -> str:
    """``mucluc access grant DBP --role librarian`` as the administrator types it; its output."""
    config = tmp_path / "mucluc.toml"
    config.write_text('[[library]]\ncode = "DBP"\nname = "Thư viện thành phố Điện Biên Phủ"\n'
                      'kind = "district"\n', encoding="utf-8")
    monkeypatch.setenv("MUCLUC_OPENSEARCH_URL", opensearch_url)
    monkeypatch.setenv("MUCLUC_INDEX_PREFIX", prefix)
    out = io.StringIO()

    def grant() -> int:
        with contextlib.redirect_stdout(out):
            return mucluc(["--config", str(config), "access", "grant", "DBP", "--role",
                           "librarian", "--url", url])

    assert await asyncio.to_thread(grant) == 0
    return out.getvalue()


async def no_violations(tab: Any) -> None:
    for width in (375, 1280):
        await tab.set_viewport_size({"width": width, "height": 900})
        assert await axe(tab) == [], (tab.url, width)


async def upload_and_watch(tab: Any, url: str, file: Path) -> None:
    await tab.goto(f"{url}/console/DBP/upload")
    await no_violations(tab)
    await tab.set_input_files("#file", str(file))
    await tab.get_by_role("button", name="Gửi tệp").click()
    await expect(tab.locator("#state")).to_have_text("đã xong", timeout=60_000)
    await expect(tab.get_by_role("heading", name="Biểu ghi bị từ chối")).to_be_visible()


async def test_a_librarian_signs_in_uploads_and_reads_the_report(
    console_url: tuple[str, str], browser: Any, opensearch_url: str, shared_data: Path,
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: AsyncOpenSearch
) -> None:
    url, prefix = console_url
    printed = await grant_with_the_command_line(tmp_path, monkeypatch, opensearch_url, prefix,
                                                url)
    link = re.search(r"Sign-in link: (\S+)", printed).group(1)
    context = await browser.new_context(locale="vi-VN", accept_downloads=True)
    tab = await context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))

    await tab.goto(link)
    assert "#key=" not in tab.url  # the key left the address bar
    await no_violations(tab)
    await tab.get_by_role("button", name="Đăng nhập").click()
    await expect(tab.get_by_role("heading", name="Bàn làm việc")).to_be_visible()
    await no_violations(tab)

    await upload_and_watch(tab, url, shared_data / "pymarc" / "bad_records.mrc")
    rejected = tab.locator("table", has=tab.locator("caption", has_text="Biểu ghi bị từ chối"))
    assert await rejected.locator("tbody tr").count() >= 2
    await expect(rejected.locator("tbody tr").first).to_contain_text("bad_records.mrc")
    await no_violations(tab)

    await upload_and_watch(tab, url, workbook(tmp_path / "danh-muc-sach.xlsx"))
    await expect(rejected.locator("tbody tr")).to_have_count(1)
    async with tab.expect_download() as download_info:
        await tab.get_by_role("link", name="Tải báo cáo (XLSX)").click()
    download = await download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = Path(await download.path()).read_bytes()
    rows = list(openpyxl.load_workbook(io.BytesIO(saved)).active.iter_rows(values_only=True))
    assert any(row[0] == "Biểu ghi bị từ chối" and row[1] == "danh-muc-sach.xlsx" for row in rows)

    await tab.goto(f"{url}/console/DBP/jobs")
    await expect(tab.locator("tbody tr")).to_have_count(2)
    await no_violations(tab)
    await tab.goto(f"{url}/console/DBP/jobs?lang=en")
    await expect(tab.get_by_role("heading", name="Uploads — DBP")).to_be_visible()
    await no_violations(tab)
    assert errors == []
    await context.close()


async def test_the_administrator_reads_the_audit_log(
    console_url: tuple[str, str], browser: Any, engine: AsyncOpenSearch
) -> None:
    url, prefix = console_url
    _, key = await Accounts(Store(engine, prefix)).grant("admin", None)
    context = await browser.new_context(locale="vi-VN")
    tab = await context.new_page()
    await tab.goto(f"{url}/console/sign-in#key={key}")
    await tab.get_by_role("button", name="Đăng nhập").click()
    await expect(tab.get_by_role("link", name="Nhật ký thao tác").first).to_be_visible()
    await tab.goto(f"{url}/console/audit")
    await expect(tab.get_by_role("heading", name="Nhật ký thao tác")).to_be_visible()
    await no_violations(tab)
    await tab.get_by_role("button", name="Đăng xuất").click()
    await expect(tab.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    await context.close()
