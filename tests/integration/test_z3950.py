"""Debian's yaz-client against the real API: over SRU directly (CQL), and over Z39.50 through
`mucluc z3950 start` (the simple2zoom gateway in front of /sru) with Bib-1 attributes, reading
MARC21 records."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient

from indexer.node import free_port

pytestmark = [pytest.mark.engine, pytest.mark.peers]

YAZ_CLIENT = shutil.which("yaz-client")


async def mucluc(env: dict[str, str], *args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "mucluc.cli.main", *args, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode or 0, out.decode()


@pytest.fixture
def yaz_client() -> str:
    if YAZ_CLIENT is None:
        pytest.fail("install yaz (scripts/system-packages.sh test)")
    return YAZ_CLIENT


@pytest.fixture
async def z3950(api: TestClient, tmp_path: Path, yaz_client: str) -> AsyncIterator[int]:
    """The gateway started by the command line in front of `api`'s /sru; its port."""
    if shutil.which("simple2zoom") is None:
        pytest.fail("install libnet-z3950-simple2zoom-perl (scripts/system-packages.sh)")
    port = free_port()
    env = {**os.environ, "MUCLUC_HOME": str(tmp_path), "MUCLUC_Z3950_PORT": str(port),
           "MUCLUC_Z3950_SRU_URL": f"http://127.0.0.1:{api.port}/sru"}
    code, out = await mucluc(env, "z3950", "start", "--host", "127.0.0.1")
    assert code == 0, out
    try:
        code, out = await mucluc(env, "z3950", "status")
        assert code == 0 and "running" in out, out
        yield port
    finally:
        code, out = await mucluc(env, "z3950", "stop")
        assert code == 0 and "stopped" in out, out
    code, out = await mucluc(env, "z3950", "status")
    assert code == 1, out


async def yaz(port: int, *commands: str) -> str:
    return await yaz_script([f"open tcp:127.0.0.1:{port}/mucluc", "format usmarc", *commands])


async def yaz_script(commands: list[str]) -> str:
    script = "\n".join([*commands, "quit"]) + "\n"
    assert YAZ_CLIENT is not None
    process = await asyncio.create_subprocess_exec(
        YAZ_CLIENT, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(process.communicate(script.encode()), 60)
    return out.decode("utf-8", "replace")


@pytest.mark.parametrize(
    ("search", "title", "call_number"),
    [
        ('find @attr 1=4 "truyen kieu"', "Truyện Kiều", "895.9221 NG-D"),
        ("find @attr 1=1003 giap", "Điện Biên Phủ", None),
        ("find @attr 1=7 9786046912347", "Truyện Kiều", "895.9221 NG-D"),
        ('find @attr 1=21 "nong nghiep"', "Kỹ thuật trồng lúa nương", None),
        ('find @attr 1=1016 "dien bien phu"', "Điện Biên Phủ", None),
        ('find @attr 1=4 @attr 5=1 "truyen ki"', "Truyện Kiều", None),  # right truncation
        ('find @attr 1=4 @attr 4=1 "truyen kieu"', "Truyện Kiều", None),  # phrase structure
    ],
)
async def test_yaz_client_searches_with_bib1_and_reads_marc21(
    z3950: int, search: str, title: str, call_number: str | None
) -> None:
    out = await yaz(z3950, search, "show 1")
    assert "Number of hits: 0" not in out, out
    lines = [line for line in out.splitlines() if line.startswith("245 ")]
    assert lines and title in lines[0], out
    if call_number:
        holdings = [line for line in out.splitlines() if line.startswith("852 ")]
        assert holdings and call_number in holdings[0], out


@pytest.mark.parametrize(
    ("cql", "title"),
    [
        ('dc.title = "truyện kiều"', "Truyện Kiều"),
        ('dc.title = "truyen kieu"', "Truyện Kiều"),
        ("dc.creator = giáp", "Điện Biên Phủ"),
        ("bath.isbn = 978-604-69-1234-7", "Truyện Kiều"),
    ],
)
async def test_yaz_client_in_sru_mode(
    api: TestClient, yaz_client: str, cql: str, title: str
) -> None:
    out = await yaz_script([f"open http://127.0.0.1:{api.port}/sru", "sru get 1.2",
                            "querytype cql", "schema marcxml", f"find {cql}", "show 1"])
    assert "Number of hits: 0" not in out and "Number of hits:" in out, out
    assert title in out, out
