"""A harvester process for the kill-and-resume test: ``python harvest_worker.py URL STATE OUT``.

Stores each page's OAI identifiers by appending them to OUT (flushed and fsynced), then commits
the page, exactly as the checkpoint contract asks of a real store.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from harvesters.checkpoints import CheckpointStore
from harvesters.oaipmh import OAIClient, harvest
from harvesters.records import SourceRecord
from harvesters.transport import RetryPolicy


async def main(url: str, state: str, out: str) -> None:
    policy = RetryPolicy(attempts=3, backoff=0.01, timeout=10)
    async with OAIClient(url, source="killed", library="DB-TEST", policy=policy) as client:
        async for page in harvest(client, CheckpointStore(Path(state))):
            with open(out, "a", encoding="utf-8") as store:
                for item in page.records:
                    if isinstance(item, SourceRecord):
                        store.write(item.source_id + "\n")
                store.flush()
                os.fsync(store.fileno())
            await page.commit()
            print(f"committed {page.number}", flush=True)


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
