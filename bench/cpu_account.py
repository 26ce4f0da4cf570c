"""CPU-seconds of the engine's JVM and of this process over a stretch of a benchmark.

On a shared two-core machine wall time says little (another helper's test suite takes a core
for a minute); CPU time says what the work itself cost. The engine's is read from
``/proc/<pid>/stat`` of the node's JVM (every thread's user + system time; the pid is the one the
node reports in ``_nodes/_local/process``, so the node must run on this machine), ours from
``getrusage`` of this process (every thread, the reader and the union builds included).

Summed and divided by the cores, it is a floor under the wall time: work that needs C
CPU-seconds on N cores cannot finish in less than C / N seconds, whatever is overlapped.

The engine's share is also split by the JVM's own threads (their names in
``/proc/<pid>/task/*/stat``): the JIT compilers (``C1/C2 CompilerThre``) and the garbage
collector (``GC Thread``, ``G1 …``) apart from the rest (the engine's own work: indexing,
refresh, merges, searches). A fresh node compiles its hot paths during its first workload, so a
benchmark's first stretch pays the JIT for the ones after it. Threads that exit between two
readings take their CPU with them, so the split is a lower bound (the total is exact).
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


#: JVM thread-name prefixes (as the kernel keeps them: 15 characters) → group.
JVM_THREADS = (("C2 CompilerThre", "jit"), ("C1 CompilerThre", "jit"), ("GC Thread", "gc"),
               ("G1 ", "gc"))


@dataclass(frozen=True)
class Cpu:
    """CPU-seconds spent: the engine's JVM, and our own process; of the engine's, its JIT
    compilers' and its garbage collector's (see the module docstring)."""

    engine: float
    ours: float
    jit: float = 0.0
    gc: float = 0.0

    @property
    def total(self) -> float:
        return self.engine + self.ours

    def __sub__(self, other: Cpu) -> Cpu:
        return Cpu(self.engine - other.engine, self.ours - other.ours,
                   self.jit - other.jit, self.gc - other.gc)

    def __add__(self, other: Cpu) -> Cpu:
        return Cpu(self.engine + other.engine, self.ours + other.ours,
                   self.jit + other.jit, self.gc + other.gc)

    def floor_seconds(self, cores: int = CORES) -> float:
        """The shortest wall time this much CPU can take on ``cores`` cores."""
        return self.total / cores

    def as_dict(self) -> dict[str, float]:
        return {"engine": self.engine, "ours": self.ours, "total": self.total,
                "engine_jit": self.jit, "engine_gc": self.gc}


def _stat_cpu(path: Path) -> tuple[str, float]:
    """The command name and user + system CPU-seconds of a ``/proc`` stat file."""
    stat = path.read_text(encoding="ascii", errors="replace")
    # the command name (field 2) may hold spaces: fields are counted after its closing paren
    fields = stat[stat.rindex(")") + 2 :].split()
    name = stat[stat.index("(") + 1 : stat.rindex(")")]
    return name, (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime (fields 14, 15)


def process_cpu(pid: int) -> float:
    """User + system CPU-seconds of process ``pid`` (all its threads) so far."""
    return _stat_cpu(Path(f"/proc/{pid}/stat"))[1]


def thread_groups(pid: int) -> dict[int, tuple[str, float]]:
    """Thread id → (group of JVM_THREADS, CPU-seconds so far) of the grouped threads of
    ``pid``."""
    found: dict[int, tuple[str, float]] = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            name, seconds = _stat_cpu(task / "stat")
        except (OSError, ValueError):  # the thread exited meanwhile
            continue
        group = next((g for prefix, g in JVM_THREADS if name.startswith(prefix)), None)
        if group:
            found[int(task.name)] = (group, seconds)
    return found


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
        # per group, CPU-seconds its threads spent since the first reading (threads seen
        # before are counted from their last reading, threads born since from zero)
        self._seen = thread_groups(pid)
        self._spent: dict[str, float] = {}

    @classmethod
    async def of(cls, engine: AsyncOpenSearch) -> CpuAccount:
        return cls(await engine_pid(engine))

    def now(self) -> Cpu:
        threads = thread_groups(self.pid)
        for tid, (group, seconds) in threads.items():
            before = self._seen.get(tid, (group, 0.0))[1]
            self._spent[group] = self._spent.get(group, 0.0) + seconds - before
        self._seen = threads
        return Cpu(process_cpu(self.pid), own_cpu(), self._spent.get("jit", 0.0),
                   self._spent.get("gc", 0.0))
