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


async def main(url: str, state: str, out: str, group: int = 1) -> None:
    """With ``group`` > 1, pages are read ahead and stored ``group`` at a time (as the harvest
    command stores several pages as one batch), then committed in order."""
    policy = RetryPolicy(attempts=3, backoff=0.01, timeout=10)
    held: list = []
    async with OAIClient(url, source="killed", library="DB-TEST", policy=policy) as client:
        async for page in harvest(client, CheckpointStore(Path(state)),
                                  read_ahead=group - 1):
            held.append(page)
            if len(held) < group and not page.last:
                continue
            with open(out, "a", encoding="utf-8") as store:
                for item in (item for page in held for item in page.records):
                    if isinstance(item, SourceRecord):
                        store.write(item.source_id + "\n")
                store.flush()
                os.fsync(store.fileno())
            for page in held:
                await page.commit()
                print(f"committed {page.number}", flush=True)
            held = []


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4], *(int(n) for n in sys.argv[4:5])))
