"""The collector's young and middle thresholds while records stream in (mucluc.core.collector)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from mucluc.core import collector


@pytest.fixture(autouse=True)
def default_thresholds() -> Iterator[None]:
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*before)


def test_raised_within_and_restored_after() -> None:
    with collector.streaming_records():
        assert gc.get_threshold() == (collector.YOUNG, collector.MIDDLE, 10)
    assert gc.get_threshold() == (700, 10, 10)


def test_overlapping_uses_restore_only_when_the_last_ends() -> None:
    outer = collector.streaming_records()
    inner = collector.streaming_records()
    outer.__enter__()
    inner.__enter__()
    outer.__exit__(None, None, None)  # the first to start ends first
    assert gc.get_threshold()[0] == collector.YOUNG
    inner.__exit__(None, None, None)
    assert gc.get_threshold() == (700, 10, 10)


def test_restored_when_the_reading_fails() -> None:
    with pytest.raises(RuntimeError), collector.streaming_records():
        raise RuntimeError("a file could not be read")
    assert gc.get_threshold() == (700, 10, 10)


def test_a_higher_threshold_is_kept() -> None:
    gc.set_threshold(collector.YOUNG * 2, 10, 10)
    with collector.streaming_records():
        assert gc.get_threshold()[0] == collector.YOUNG * 2
    assert gc.get_threshold()[0] == collector.YOUNG * 2


def test_a_higher_middle_threshold_is_kept() -> None:
    gc.set_threshold(700, collector.MIDDLE * 2, 10)
    with collector.streaming_records():
        assert gc.get_threshold() == (collector.YOUNG, collector.MIDDLE * 2, 10)
    assert gc.get_threshold() == (700, collector.MIDDLE * 2, 10)


def test_reading_a_file_streams_with_the_raised_threshold(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from harvesters.files import read_path
    from mucluc.demo.generate import write_marc_file

    marc = write_marc_file(tmp_path / "two.mrc", 2)
    seen = [gc.get_threshold()[:2] for _ in read_path(marc, library="L")]
    assert seen and set(seen) == {(collector.YOUNG, collector.MIDDLE)}
    assert gc.get_threshold() == (700, 10, 10)
