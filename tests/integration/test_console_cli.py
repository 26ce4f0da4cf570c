"""``mucluc access grant|revoke|list`` as the administrator runs it, on the real engine."""

from __future__ import annotations

import asyncio
import contextlib
import io
import re
from dataclasses import dataclass

import pytest
from opensearchpy import AsyncOpenSearch

from indexer.accounts import Accounts
from indexer.store import Store
from mucluc.cli.main import main
from tests.catalogue import config_toml
from tests.integration.console_helpers import console_catalogue

pytestmark = pytest.mark.engine


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


async def mucluc(*args: str, env: dict[str, str]) -> Ran:
    """The command's own entry point, in this process (a thread: it runs its own event loop)
    with the workspace's environment."""
    out, err = io.StringIO(), io.StringIO()

    def run() -> int:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            return main(list(args))

    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        code = await asyncio.to_thread(run)
    return Ran(code, out.getvalue(), err.getvalue())


@pytest.fixture(scope="module")
async def workspace(tmp_path_factory: pytest.TempPathFactory, index_prefix: str,
                    opensearch_url: str, engine: AsyncOpenSearch):
    prefix = f"{index_prefix}-console-cli"
    folder = tmp_path_factory.mktemp("console-cli")
    (folder / "mucluc.toml").write_text(config_toml("DBI", "TGI"), encoding="utf-8")
    env = {"MUCLUC_CONFIG": str(folder / "mucluc.toml"), "MUCLUC_OPENSEARCH_URL": opensearch_url,
           "MUCLUC_INDEX_PREFIX": prefix, "MUCLUC_HOME": str(folder / "home")}
    async with console_catalogue(engine, prefix):
        yield env, Accounts(Store(engine, prefix))


async def test_grant_list_revoke(workspace: tuple[dict[str, str], Accounts]) -> None:
    env, accounts = workspace
    granted = await mucluc("access", "grant", "TGI", "--role", "librarian", "--note", "chị Lan",
                     "--url", "https://mucluc.example/", env=env)
    assert granted.returncode == 0, granted.stderr
    key = re.search(r"^\s+(mlk_\S+)$", granted.stdout, re.M).group(1)
    key_id = key[4:16]
    assert f"https://mucluc.example/console/sign-in#key={key}" in granted.stdout
    record = await accounts.verify(key)
    assert record is not None and (record.role, record.library) == ("librarian", "TGI")

    listed = await mucluc("access", "list", env=env)
    assert listed.returncode == 0 and key_id in listed.stdout and "chị Lan" in listed.stdout
    assert key.split(".", 1)[1] not in listed.stdout  # never the key

    revoked = await mucluc("access", "revoke", key_id, env=env)
    assert revoked.returncode == 0, revoked.stderr
    assert await accounts.verify(key) is None
    assert "revoked" in (await mucluc("access", "list", env=env)).stdout

    entries = await accounts.store.search("audit", {"query": {"term": {"target": key_id}}})
    actions = sorted(hit["_source"]["action"] for hit in entries["hits"]["hits"])
    assert actions == ["grant", "revoke"]
    assert key.split(".", 1)[1] not in str(entries)


@pytest.mark.parametrize(("args", "message"), [
    (("grant", "XYZ"), "unknown library code 'XYZ'"),
    (("grant",), "give the library's code"),
    (("grant", "TGI", "--role", "admin"), "belongs to no library"),
    (("revoke", "0123456789ab"), "there is no key 0123456789ab"),
], ids=["unknown-library", "no-library", "admin-with-library", "unknown-key"])
async def test_mistakes_are_one_line(
    workspace: tuple[dict[str, str], Accounts], args: tuple[str, ...], message: str
) -> None:
    env, _ = workspace
    result = await mucluc("access", *args, env=env)
    assert result.returncode in {1, 2}
    assert message in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
