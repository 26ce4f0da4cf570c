"""The offline catalogue: export time and size, first search and search-as-you-type on a slow CPU.

Two catalogues, measured in one run:

- the demo catalogue (``mucluc demo``'s six libraries), loaded into a real engine by the real
  loader and exported through the store, as ``mucluc export offline`` does;
- a generated province-sized catalogue (``MUCLUC_BENCH_OFFLINE_BOOKS``, default 250,000 books
  from :mod:`mucluc.demo.generate`), fed to the export builder directly as union documents
  (one book per generated record, one library each), NOT loaded into the engine: loading
  250 k records would measure the loader, which ``bench ingest`` already does.

For each: export seconds, files, raw and gzip size (the sum of every file gzipped, what a server
sends and close to a zip on a USB stick); then in Debian's Chromium from ``file://`` with the CPU
throttled 4x (CDP ``Emulation.setCPUThrottlingRate``, a cheap phone): the first search after the
page opens (cold: index shards and records loaded on demand), and per keystroke of typed queries
two times (see PROBE): *to paint*, from the key's event to its results painted; and *frame
work*, the main thread's work for the frame that shows them (search, DOM update, style, layout,
paint), which is what must fit the 16.7 ms of a 60 Hz frame. Keystrokes that had to load an
index or record file first are counted apart ("loading"). A benchmark, never a test: the numbers
are printed and written to ``bench/results/offline.json``.

On Linux the throttle is a busy wait: every 200 µs the renderer main thread is made to spin for
three times the *wall* time since it last ran, so time it spends preempted by other processes
is multiplied by up to 4 in the page clock too (docs/offline.md, fifth round). On a shared
machine the page-clock times measure the load as much as the page: compare code with the frame
CPU x4 (``frame_cpu``), and read the page clock of a quiet run.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import engine_url, table, write_results

REPO = Path(__file__).resolve().parent.parent

BOOKS = int(os.environ.get("MUCLUC_BENCH_OFFLINE_BOOKS", "250000"))
BASE = 20_000  # books generated from MARC records; the rest are recombined from them
THROTTLE = 4
FRAME_MS = 1000 / 60
TYPED = ["truyen co tich", "nguyeenx du", "dien bien phu", "ky thuat trong lua", "Lịch sử"]
FIRST = "truyen kieu"
# What is measured, per keystroke, all in the page's own clock (``keydown`` event timestamp = t0,
# ``performance.now()`` after: nothing of Playwright's round trips is inside a measure):
# - the app's ``mucluc-offline-results`` event (the keystroke's first screenful in the page)
#   carries ``ms`` (its search and DOM update) and ``frame`` (true when that update ran inside an
#   animation-frame callback, so this same frame renders it); ``mucluc-offline-complete`` says the
#   rest of the page and the facets are in too (an app that renders all at once says
#   ``complete`` on the first event: main before the split, and every Enter);
# - "painted" is a zero-delay timer posted then (when ``frame``), or from the next animation
#   frame (otherwise): a timer posted from a frame runs after that frame's style, layout and
#   paint, so painted - t0 is "from the key to its first results painted" (it includes waiting
#   for the frame, up to 16.7 ms at 60 Hz); "all painted" likewise for the complete event;
#   when the page completes the answer in a second frame, the scheduler may run that frame
#   before the timer posted from the first: "painted" is then that frame's start (the first
#   frame's paint ended before it), not the late timer (which counted both frames as the first);
# - "work" = painted - (results time - ms): from the start of the search to the paint, the main
#   thread's work for that keystroke's frame; "rest work" the same for the frame completing it;
# - "loaded": the page gained a script element (an index or record file) since the key.
PROBE = """() => {
  window.__done = [];
  const scripts = () => document.scripts.length;
  let key = 0, before = 0, last = null;
  document.addEventListener('keydown', (e) => { key = e.timeStamp; before = scripts(); }, true);
  const paint = (frame, then) => {
    if (frame) setTimeout(then, 0); else requestAnimationFrame(() => setTimeout(then, 0));
  };
  let firstPainted = null;
  document.addEventListener('mucluc-offline-results', (e) => {
    const at = key, d = e.detail, handled = performance.now();
    if (d.refined) return;  // typing paused: the full search replacing a bounded one
    const entry = {query: d.query, typing: d.typing, loaded: scripts() > before,
                   single: d.complete !== false, complete: false};
    last = entry;
    firstPainted = (now) => {  // (once: the timer or the completing frame, whichever is first)
      if (entry.painted !== undefined) return;
      entry.painted = now - at;
      entry.work = now - handled + d.ms;
      if (entry.single) {
        Object.assign(entry, {all_painted: entry.painted, rest_work: 0, complete: true,
                              loaded_all: entry.loaded});
      }
      window.__done.push(entry);
    };
    const painted = firstPainted;
    paint(d.frame, () => painted(performance.now()));
  });
  document.addEventListener('mucluc-offline-complete', (e) => {
    const entry = last, at = key, d = e.detail, handled = performance.now();
    if (!entry || entry.single || entry.query !== d.query) return;
    // The completing frame began after the first screenful was painted; the scheduler may run
    // it before the timer posted from the first frame: then its start is that paint.
    firstPainted(handled - d.ms);
    const loaded = scripts() > before;
    paint(d.frame, () => Object.assign(entry, {
      all_painted: performance.now() - at, rest_work: performance.now() - handled + d.ms,
      loaded_all: entry.loaded || loaded, complete: true}));
  });
}"""


def _stats(values: list[float]) -> dict[str, float]:
    ordered = sorted(values) or [0.0]
    return {
        "median_ms": statistics.median(ordered),
        "p95_ms": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
        "max_ms": ordered[-1],
        "within_frame": sum(v <= FRAME_MS for v in ordered) / len(ordered),
        "n": len(values),
    }


def keystroke_summary(done: list[dict[str, Any]]) -> dict[str, Any]:
    """Per keystroke: to-paint and frame-work times of the first screenful and of the whole
    page, apart for keystrokes that loaded a file."""
    warm = [d for d in done if not d["loaded"]]
    warm_all = [d for d in done if not d["loaded_all"]]
    return {
        "painted": _stats([d["painted"] for d in warm]),
        "work": _stats([d["work"] for d in warm]),
        "all_painted": _stats([d["all_painted"] for d in warm_all]),
        "rest_work": _stats([d["rest_work"] for d in warm_all]),
        "loading_painted": _stats([d["painted"] for d in done if d["loaded"]]),
    }


# The frame's CPU (see frame_cpu): each typed keystroke's results get a user-timing mark.
MARK = """() => document.addEventListener('mucluc-offline-results', (e) => {
  if (e.detail.typing) performance.mark(`keystroke:${window.__round}:${e.detail.query}`);
})"""
# Loads the index and record files the typed prefixes need, rendering nothing: the first round
# then lays out text the page has not shown yet (as a reader typing does).
PRELOAD = """async (queries) => {
  const S = globalThis.MuclucSearch;
  for (const q of queries) {
    for (const full of [false, true]) {
      const answer = await S.search(q, true, full);
      if (answer) await S.loadRecords(answer.ranked.slice(0, 20));
    }
  }
}"""
CPU_ROUNDS = 3
RENDER_STEPS = ("FireAnimationFrame", "UpdateLayoutTree", "Layout", "PrePaint", "Paint", "Commit")
PROBED = "mucluc-offline-"  # the page's events, which only the bench listens to
# The events of a key's own text editing (``page.fill``: select the box's text, insert the new)
KEY_EDITING = frozenset({"keydown", "keypress", "keyup", "beforeinput", "textInput", "input",
                         "select", "selectionchange"})


def _within(event: dict[str, Any], outer: dict[str, Any]) -> bool:
    return outer["ts"] <= event["ts"] < outer["ts"] + outer["dur"]


def frame_cpu(trace: dict[str, Any]) -> list[dict[str, float]]:
    """Per marked keystroke, the renderer main thread's CPU time (trace ``tdur``, ms) of the task
    that rendered its first screenful, and of its steps (script in the animation frame, style,
    layout, pre-paint, paint, commit). CPU time, unlike the page's clock, barely moves with the
    machine's load: the measure to compare on a shared machine (times the throttle rate, it
    estimates the throttled frame work).

    What is not the frame's work is taken out of the task (and of a step it ran in), each
    reported apart: the bench's own listeners of the page's events (``probe``), and the key's
    own text editing (``editing``: ``page.fill``'s events, dispatched at times in the frame's
    task before its animation frame; the page-clock frame work starts at the search, after
    them). A step nested in a step of the same name (Chromium's ``Paint`` of the document
    holds the ``Paint`` of its root element) counts once."""
    events = trace["traceEvents"]
    main = {(e["pid"], e["tid"]) for e in events
            if e.get("name") == "thread_name" and e["args"].get("name") == "CrRendererMain"}
    events = [e for e in events if (e.get("pid"), e.get("tid")) in main]
    tasks = sorted((e for e in events if e.get("ph") == "X" and e["name"] == "RunTask"),
                   key=lambda e: e["ts"])
    steps = [e for e in events if e.get("ph") == "X" and e["name"] in RENDER_STEPS]
    frames = [e for e in steps if e["name"] == "FireAnimationFrame"]
    dispatched = [e for e in events if e.get("ph") == "X" and e["name"] == "EventDispatch"]
    probes = [e for e in dispatched
              if str(e.get("args", {}).get("data", {}).get("type", "")).startswith(PROBED)]
    edits = [e for e in dispatched
             if e.get("args", {}).get("data", {}).get("type") in KEY_EDITING
             and not any(_within(e, f) for f in frames)]
    found = []
    for mark in (e for e in events if e.get("name", "").startswith("keystroke:")):
        task = next((t for t in tasks if t["ts"] <= mark["ts"] <= t["ts"] + t["dur"]), None)
        if task is None:
            continue
        _, round_, query = mark["name"].split(":", 2)
        mine = [p for p in probes if _within(p, task)]
        editing = [e for e in edits if _within(e, task)]
        probe = sum(p.get("tdur", 0) for p in mine) / 1000
        edit = sum(e.get("tdur", 0) for e in editing) / 1000
        entry = {"query": query, "round": int(round_),
                 "task": task.get("tdur", 0) / 1000 - probe - edit}
        counted: list[dict[str, Any]] = []
        for step in sorted((s for s in steps if _within(s, task)),
                           key=lambda s: (s["ts"], -s["dur"])):
            if any(_within(step, e) for e in editing) or any(
                    c["name"] == step["name"] and _within(step, c) for c in counted):
                continue
            counted.append(step)
            theirs = sum(p.get("tdur", 0) for p in mine if _within(p, step)) / 1000
            entry[step["name"]] = (entry.get(step["name"], 0)
                                   + step.get("tdur", 0) / 1000 - theirs)
        if mine:
            entry["probe"] = probe
        if editing:
            entry["editing"] = edit
        found.append(entry)
    return found


async def _frame_cpu(site: Path) -> dict[str, Any]:
    """The typed keystrokes' frame CPU (no throttle, CPU_ROUNDS times every prefix of TYPED,
    set in the box as a keystroke sets it, after loading their files without rendering: the
    first round lays out text for the first time, the others text already shown once)."""
    from playwright.async_api import async_playwright

    from tests.browser.widget_site import launch

    prefixes = [q[:at] for q in TYPED for at in range(1, len(q) + 1) if q[:at].strip()]
    async with async_playwright() as pw:
        chromium = await launch(pw)
        try:
            page = await (await chromium.new_context(offline=True)).new_page()
            await page.goto(site.joinpath("index.html").as_uri())
            await page.evaluate(PROBE)
            await page.evaluate(MARK)
            await page.evaluate(PRELOAD, [*TYPED, *prefixes])
            await chromium.start_tracing(page=page, categories=[
                "devtools.timeline", "disabled-by-default-devtools.timeline", "blink.user_timing"])
            for round_ in range(1, CPU_ROUNDS + 1):
                await page.evaluate("(r) => { window.__round = r; }", round_)
                for query in prefixes:
                    await page.evaluate("window.__done = []")
                    await page.fill("#q", query)
                    await page.wait_for_function(
                        "(q) => window.__done.some((d) => d.query === q && d.typing && d.complete)",
                        arg=query, polling=20)
            trace = json.loads(await chromium.stop_tracing())
        finally:
            await chromium.close()
    found = frame_cpu(trace)
    return {"keystrokes": found,
            "task_x_throttle": _stats([THROTTLE * f["task"] for f in found]),
            "first_round_x_throttle": _stats([THROTTLE * f["task"] for f in found
                                              if f["round"] == 1]),
            "probe_x_throttle": _stats([THROTTLE * f.get("probe", 0) for f in found]),
            "editing_x_throttle": _stats([THROTTLE * f.get("editing", 0) for f in found])}


def generated_documents(n: int, seed: int = 18) -> list[dict[str, Any]]:
    """``n`` union documents: up to ``BASE`` from generated MARC records (one per record, one
    library each), the rest recombined from those (another book's title, authors, subjects and
    publisher, a fresh year and library; a fifth held by a second library). Generating and mapping
    250 k MARC records costs more than the export itself; the recombined books keep the
    generator's vocabulary and field shapes, which is what the index's size depends on."""
    from indexer.marc_document import record_fields
    from indexer.union import union_document
    from mucluc.core.library import Library
    from mucluc.demo.generate import generate_records
    from mucluc.demo.libraries import DEMO_LIBRARIES

    libraries = {d.code: Library(d.code, d.name, d.kind, d.parent) for d in DEMO_LIBRARIES}
    codes = sorted(libraries)
    rng = random.Random(seed)
    base = [record_fields(r).as_dict() for r in generate_records(min(n, BASE), seed=seed)]
    documents = []
    for i in range(n):
        if i < len(base):
            fields = base[i]
        else:
            title, people, topic = (rng.choice(base) for _ in range(3))
            fields = {**title, "authors": people.get("authors", []),
                      "contributors": people.get("contributors", []),
                      "subjects": topic.get("subjects", []), "publisher": topic.get("publisher"),
                      "year": rng.randint(1960, 2025)}
        held = rng.sample(codes, 2 if rng.random() < 0.2 else 1)
        members = [{"library": code, "local_id": f"G{i:07d}{code}", "fields": fields}
                   for code in held]
        documents.append(union_document(f"g{i:07d}", members, libraries))
    return documents


async def _demo_export(out: Path) -> Any:
    from harvesters.files import read_path
    from indexer.load import Loader
    from indexer.store import Store
    from mucluc.core.library import Library
    from mucluc.demo.catalogue import write_demo_catalogue
    from mucluc.demo.libraries import DEMO_LIBRARIES
    from searchapi.offline.export import export_offline

    libraries = {d.code: Library(d.code, d.name, d.kind, d.parent) for d in DEMO_LIBRARIES}
    with engine_url() as url, tempfile.TemporaryDirectory() as folder:
        files = write_demo_catalogue(Path(folder))
        async with Store.open(url, prefix="mucluc-bench-offline") as store:
            await store.drop_all()
            await store.ensure_indices()
            loader = Loader(store, libraries)
            for code, path in sorted(files.items()):
                await loader.load(read_path(path, library=code))
            await store.refresh("union")
            try:
                return await export_offline(store, out, libraries=libraries)
            finally:
                await store.drop_all()


async def _browser(site: Path) -> dict[str, Any]:
    from playwright.async_api import async_playwright

    from tests.browser.widget_site import launch

    async with async_playwright() as pw:
        chromium = await launch(pw)
        try:
            context = await chromium.new_context(offline=True)
            page = await context.new_page()
            cdp = await context.new_cdp_session(page)
            await cdp.send("Emulation.setCPUThrottlingRate", {"rate": THROTTLE})
            started = time.perf_counter()
            await page.goto(site.joinpath("index.html").as_uri())
            await page.evaluate(PROBE)
            opened_ms = (time.perf_counter() - started) * 1000
            await page.fill("#q", FIRST)
            await page.press("#q", "Enter")
            await page.wait_for_function(
                "(q) => window.__done.some((d) => d.query === q && !d.typing && d.complete)",
                arg=FIRST,
            )
            first = [d["painted"] for d in await page.evaluate("window.__done") if not d["typing"]]
            keystrokes = await _type(page)
            return {"open_ms": opened_ms, "first_search_ms": first[0],
                    "keystroke": keystroke_summary(keystrokes), "keystrokes": keystrokes}
        finally:
            await chromium.close()


async def _type(page: Any) -> list[dict[str, Any]]:
    """Type TYPED a key at a time, each key waiting for its results: what the probe saw."""
    keystrokes: list[dict[str, Any]] = []
    for query in TYPED:
        await page.fill("#q", "")
        await page.evaluate("window.__done = []")
        for at in range(1, len(query) + 1):
            await page.keyboard.type(query[at - 1])
            if query[:at].strip():
                await page.wait_for_function(
                    "(q) => window.__done.some((d) => d.query === q && d.complete)",
                    arg=query[:at], timeout=120_000,
                )
        keystrokes += await page.evaluate("window.__done")
    return keystrokes


SLOWEST = 5
STEP_NAMES = {"FireAnimationFrame": "script", "UpdateLayoutTree": "style", "Layout": "layout",
              "PrePaint": "pre-paint", "Paint": "paint", "Commit": "commit"}


def slowest(browser: dict[str, Any], count: int = SLOWEST) -> list[dict[str, Any]]:
    """The ``count`` warm keystrokes with the most first-frame work (page clock), each with the
    frame CPU x4 of the same prefix and of its steps (median over the CPU rounds): which
    prefixes are slow, and in which step of the frame."""
    warm = sorted((d for d in browser["keystrokes"] if not d["loaded"]),
                  key=lambda d: d["work"], reverse=True)[:count]
    found = []
    for d in warm:
        cpu = [f for f in browser["frame_cpu"]["keystrokes"] if f["query"] == d["query"]]
        entry: dict[str, Any] = {"query": d["query"], "work_ms": d["work"],
                                 "painted_ms": d["painted"]}
        if cpu:
            entry["frame_cpu_x4_ms"] = THROTTLE * statistics.median(f["task"] for f in cpu)
            for step, name in STEP_NAMES.items():
                entry[name] = THROTTLE * statistics.median(f.get(step, 0.0) for f in cpu)
        found.append(entry)
    return found


def _slowest_rows(name: str, version: str, at: int, browser: dict[str, Any]) -> list[list[Any]]:
    return [[name, version, at + 1, repr(e["query"]), e["work_ms"], e.get("frame_cpu_x4_ms", ""),
             *(e.get(step, "") for step in STEP_NAMES.values())] for e in slowest(browser)]


def baseline_site(site: Path, ref: str, dest: Path) -> Path:
    """A copy of ``site`` (hard links) whose page and search (the static files) are those of git
    ``ref``: the same data, the old code, to time old and new side by side. The index may carry
    what ``ref`` does not read (heads): an older search.js ignores it."""
    from searchapi.offline.assets import STATIC_FILES

    shutil.copytree(site, dest, copy_function=os.link)
    for name in STATIC_FILES:
        text = subprocess.run(
            ["git", "show", f"{ref}:searchapi/offline/static/{name}"], cwd=REPO,
            capture_output=True, text=True, check=True,
        ).stdout
        (dest / name).unlink()  # a hard link: never write through it into the new site
        (dest / name).write_text(text, encoding="utf-8")
    return dest


def _keystroke_row(name: str, version: str, at: int, browser: dict[str, Any]) -> list[Any]:
    k = browser["keystroke"]
    painted, work, whole, rest = k["painted"], k["work"], k["all_painted"], k["rest_work"]
    loading = k["loading_painted"]
    cpu = browser["frame_cpu"]["task_x_throttle"]
    cold = browser["frame_cpu"]["first_round_x_throttle"]
    editing = browser["frame_cpu"]["editing_x_throttle"]
    return [name, version, at + 1, painted["median_ms"], painted["p95_ms"], work["median_ms"],
            work["p95_ms"], f"{work['within_frame']:.0%}", whole["median_ms"], whole["p95_ms"],
            rest["median_ms"], f"{loading['n']} / {loading['median_ms']:.0f}",
            cpu["median_ms"], cpu["p95_ms"], f"{cpu['within_frame']:.0%}",
            f"{cold['median_ms']:.0f} / {cold['p95_ms']:.0f} / {cold['within_frame']:.0%}",
            f"{editing['p95_ms']:.1f} / {editing['max_ms']:.1f}", f"{os.getloadavg()[0]:.1f}"]


def main() -> int:
    from searchapi.offline.export import write_site

    baseline = os.environ.get("MUCLUC_BENCH_OFFLINE_BASELINE", "")
    rounds = int(os.environ.get("MUCLUC_BENCH_OFFLINE_ROUNDS", "2" if baseline else "1"))
    results: dict[str, Any] = {"throttle": THROTTLE, "books_generated": BOOKS,
                               "baseline": baseline or None, "rounds": rounds}
    rows, keys, slow = [], [], []
    with tempfile.TemporaryDirectory() as folder:
        demo_site = Path(folder) / "demo"
        demo = asyncio.run(_demo_export(demo_site))
        started = time.perf_counter()
        documents = generated_documents(BOOKS)
        generate_s = time.perf_counter() - started
        big_site = Path(folder) / "province"
        big = write_site(documents, big_site)
        del documents
        for name, summary, site in (("demo", demo, demo_site), ("generated", big, big_site)):
            versions = {"new": site}
            if baseline:
                versions = {"old": baseline_site(site, baseline, Path(folder) / f"{name}-old"),
                            **versions}
            runs: dict[str, list[dict[str, Any]]] = {v: [] for v in versions}
            for at in range(rounds):  # old and new alternated, the same export
                for version, path in versions.items():
                    browser = asyncio.run(_browser(path))
                    browser["frame_cpu"] = asyncio.run(_frame_cpu(path))
                    runs[version].append(browser)
                    keys.append(_keystroke_row(name, version, at, browser))
                    slow += _slowest_rows(name, version, at, browser)
            results[name] = {
                "books": summary.books, "export_s": summary.seconds, "files": summary.files,
                "bytes": summary.bytes, "gzip_bytes": summary.gzip_bytes, "runs": runs,
            }
            first = runs["new"][0]["first_search_ms"]
            rows.append([name, summary.books, summary.seconds, summary.files,
                         summary.bytes / 1e6, summary.gzip_bytes / 1e6, first])
        results["generate_documents_s"] = generate_s
    print(table(["catalogue", "books", "export s", "files", "MB", "MB gzip",
                 f"first search ms (CPU/{THROTTLE})"], rows))
    print(table(["catalogue", "version", "round", "first painted median ms", "p95",
                 "first frame work median ms", "p95", "work within 16.7 ms",
                 "all painted median ms", "p95", "rest frame work median ms",
                 "loading keystrokes n / median ms", f"frame CPU x{THROTTLE} median ms", "p95",
                 "within 16.7 ms", "first round: median / p95 / within",
                 f"key's editing in the frame's task, taken out: p95 / max ms x{THROTTLE}",
                 "load 1 min"], keys))
    print(f"The {SLOWEST} slowest warm keystrokes of each run (first frame work, page clock) and "
          f"the frame CPU x{THROTTLE} of the same prefix by step (median of {CPU_ROUNDS} rounds):")
    print(table(["catalogue", "version", "round", "typed", "first frame work ms",
                 f"frame CPU x{THROTTLE} ms", *STEP_NAMES.values()], slow))
    print(f"load average: {os.getloadavg()}")
    results["load_average"] = os.getloadavg()
    print(f"(generating {BOOKS:,} union documents took {generate_s:.0f} s, not counted above)")
    print(f"written to {write_results('offline', results)}")
    return 0
