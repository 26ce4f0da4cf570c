"""The offline benchmark's generated catalogue: union documents the export accepts, reproducibly.

The benchmark itself (`python -m bench offline`) is never run by the suite; this keeps its data
generator honest at a size that costs nothing.
"""

from __future__ import annotations

from pathlib import Path

from bench.offline import generated_documents
from searchapi.offline.export import write_site


def test_generated_books_are_union_documents_and_export(tmp_path: Path) -> None:
    books = generated_documents(60)
    again = generated_documents(60)
    assert [{**b, "updated_at": ""} for b in books] == [{**b, "updated_at": ""} for b in again]
    assert len({b["id"] for b in books}) == 60
    assert all(b["display"]["title"] and b["holdings"] for b in books)
    assert any(len(b["holdings"]) == 2 for b in books)  # some books are held by two libraries
    summary = write_site(books, tmp_path / "van")
    assert summary.books == 60 and summary.libraries >= 2


def test_books_past_the_generated_base_are_recombined(monkeypatch) -> None:
    monkeypatch.setattr("bench.offline.BASE", 10)
    books = generated_documents(40)
    base_titles = {b["display"]["title"] for b in books[:10]}
    assert {b["display"]["title"] for b in books[10:]} <= base_titles


def _event(name: str, ts: int, dur: int = 0, tdur: int = 0, tid: int = 1, ph: str = "X",
           args: dict | None = None) -> dict:
    return {"name": name, "ph": ph, "pid": 7, "tid": tid, "ts": ts, "dur": dur, "tdur": tdur,
            "args": args or {}}


def test_frame_cpu_is_the_marked_tasks_cpu_on_the_renderer_main_thread() -> None:
    from bench.offline import frame_cpu

    names = [{"name": "thread_name", "ph": "M", "pid": 7, "tid": tid, "args": {"name": name}}
             for tid, name in ((1, "CrRendererMain"), (2, "Compositor"))]
    events = [
        *names,
        _event("RunTask", 1000, dur=9000, tdur=4000),  # the keystroke's frame
        # the key's own editing, dispatched in the frame's task before its animation frame (a
        # layout it forces is its own, not the frame's): taken out
        _event("EventDispatch", 1010, dur=80, tdur=60, args={"data": {"type": "textInput"}}),
        _event("Layout", 1020, dur=50, tdur=40),
        _event("FireAnimationFrame", 1100, dur=2000, tdur=1500),
        _event("Layout", 3500, dur=1000, tdur=800),
        _event("Layout", 5000, dur=500, tdur=300),  # a second pass in the same frame
        _event("Paint", 6000, dur=400, tdur=350),  # the document's paint...
        _event("Paint", 6010, dur=300, tdur=300),  # ...holds its root element's: counted once
        _event("keystroke:1:tr", 2900, ph="I"),
        # the bench's listeners of the page's event, inside the animation frame: not the page's
        _event("EventDispatch", 2800, dur=300, tdur=250,
               args={"data": {"type": "mucluc-offline-results"}}),
        _event("EventDispatch", 1200, dur=100, tdur=100, args={"data": {"type": "input"}}),
        _event("RunTask", 20000, dur=5000, tdur=3000),  # a later task: not this keystroke's
        _event("Layout", 21000, dur=1000, tdur=900),
        _event("RunTask", 1000, dur=9000, tdur=8000, tid=2),  # another thread
        _event("keystroke:2:lost", 15000, ph="I"),  # in no task: left out
    ]
    assert frame_cpu({"traceEvents": events}) == [
        {"query": "tr", "round": 1, "task": 3.69, "FireAnimationFrame": 1.25, "Layout": 1.1,
         "Paint": 0.35, "probe": 0.25, "editing": 0.06}
    ]
