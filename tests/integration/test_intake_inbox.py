"""Issue #20, points 5 and 6 through the command line: a folder (``mucluc load``) or an inbox
(``mucluc harvest`` of a ``files`` source) with one damaged workbook among good files loads the
good ones, reports the bad one with what to do, balances, exits with the documented status and
never prints a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from tests.integration.test_harvest_command import library, mucluc, workspace
from tests.marc_builders import book, write_marc

pytestmark = pytest.mark.engine


def inbox(folder: Path) -> Path:
    folder.mkdir(parents=True)
    write_marc(folder / "a-sach.mrc", [book("TC-1", "Truyện Kiều", author="Nguyễn Du"),
                                       book("TC-2", "Tắt đèn", author="Ngô Tất Tố")])
    sheet = openpyxl.Workbook()
    sheet.active.append(["Số ĐKCB", "Tên sách", "Tác giả"])
    sheet.active.append(["TC-3", "Số đỏ", "Vũ Trọng Phụng"])
    sheet.save(folder / "b-ds.xlsx")
    (folder / "c-hong.xlsx").write_bytes(b"PK\x03\x04 damaged on the way")
    return folder


async def test_load_folder_with_one_damaged_workbook(
    tmp_path: Path, opensearch_url: str, index_prefix: str
) -> None:
    folder = inbox(tmp_path / "inbox")
    env = workspace(tmp_path, library("TC", "Thư viện huyện Tủa Chùa", "district"),
                    opensearch_url, f"{index_prefix}-inbox-load")
    code, out, err = await mucluc("load", str(folder), "--library", "TC", env=env)
    assert code == 3, err  # loaded, with problems
    assert "3 loaded (3 new" in out and "2 of 3 files read" in out
    assert "records in 3 = 3 new + 0 updated + 0 unchanged + 0 deleted + 0 skipped + 0 merged" \
        in out
    assert "c-hong.xlsx" in err and "save it as .xlsx or CSV" in err
    assert "Traceback" not in err + out
    report = json.loads(Path(out.split("report: ")[1].strip()).read_text(encoding="utf-8"))
    assert report["balanced"] and report["status"] == "problems"
    assert [f["status"] for f in report["files"] if f["file"].endswith("c-hong.xlsx")] == \
        ["unreadable"]

    code, out, err = await mucluc("load", str(folder / "c-hong.xlsx"), "--library", "TC",
                                  env=env)
    assert code == 1 and "Traceback" not in err  # nothing loaded
    assert "0 of 1 files read" in out

    (tmp_path / "empty.mrc").write_bytes(b"")
    code, out, err = await mucluc("load", str(tmp_path / "empty.mrc"), "--library", "TC",
                                  env=env)
    assert code == 1 and "the file is empty" in err and "Traceback" not in err


async def test_inbox_harvest_with_one_damaged_workbook_is_not_failed(
    tmp_path: Path, opensearch_url: str, index_prefix: str
) -> None:
    inbox(tmp_path / "inbox" / "TC")
    config = library("TC", "Thư viện huyện Tủa Chùa", "district",
                     'protocol = "files"\nname = "tc-inbox"\npath = "inbox/TC"')
    env = workspace(tmp_path, config, opensearch_url, f"{index_prefix}-inbox-harvest")
    code, out, err = await mucluc("harvest", env=env)
    assert code == 0, err
    assert "TC tc-inbox (files): ok, 3 fetched: 3 new" in out
    assert "c-hong.xlsx" in err and "records in 3 = 3 new" in out
    assert "Traceback" not in err + out
