"""CPU-seconds of the engine's JVM and of this process over a stretch of a benchmark.

On a shared two-core machine wall time says little (another helper's test suite takes a core
for a minute); CPU time says what the work itself cost. The engine's is read from
``/proc/<pid>/stat`` of the node's JVM (every thread's user + system time; the pid is the one the
node reports in ``_nodes/_local/process``, so the node must run on this machine), ours from
``getrusage`` of this process (every thread, the reader and the union builds included).

Summed and divided by the cores, it is a floor under the wall time: work that needs C
CPU-seconds on N cores cannot finish in less than C / N seconds, whatever is overlapped.
"""

from __future__ import annotations

import os
import resource
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from opensearchpy import AsyncOpenSearch

TICKS = os.sysconf("SC_CLK_TCK")
CORES = os.cpu_count() or 1


@dataclass(frozen=True)
class Cpu:
    """CPU-seconds spent: the engine's JVM, and our own process."""

    engine: float
    ours: float

    @property
    def total(self) -> float:
        return self.engine + self.ours

    def __sub__(self, other: Cpu) -> Cpu:
        return Cpu(self.engine - other.engine, self.ours - other.ours)

    def __add__(self, other: Cpu) -> Cpu:
        return Cpu(self.engine + other.engine, self.ours + other.ours)

    def floor_seconds(self, cores: int = CORES) -> float:
        """The shortest wall time this much CPU can take on ``cores`` cores."""
        return self.total / cores

    def as_dict(self) -> dict[str, float]:
        return {"engine": self.engine, "ours": self.ours, "total": self.total}


def process_cpu(pid: int) -> float:
    """User + system CPU-seconds of process ``pid`` (all its threads) so far."""
    stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    # the command name (field 2) may hold spaces: fields are counted after its closing paren
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime (fields 14 and 15)


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def engine_pid(engine: AsyncOpenSearch) -> int:
    """The pid of the JVM of the node answering ``engine`` (it must run on this machine)."""
    answer: dict[str, Any] = await engine.nodes.info(node_id="_local", metric="process")
    (node,) = answer["nodes"].values()
    pid = int(node["process"]["id"])
    if not Path(f"/proc/{pid}/stat").exists():
        raise RuntimeError(f"the engine's process {pid} is not on this machine: no CPU account")
    return pid


class CpuAccount:
    """Reads both clocks; ``now()`` differences give a stretch's :class:`Cpu`."""

    def __init__(self, pid: int) -> None:
        self.pid = pid

    @classmethod
    async def of(cls, engine: AsyncOpenSearch) -> CpuAccount:
        return cls(await engine_pid(engine))

    def now(self) -> Cpu:
        return Cpu(process_cpu(self.pid), own_cpu())
