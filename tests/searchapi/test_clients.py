"""The reader's address behind reverse proxies: forwarded headers count only from trusted ones."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mucluc.core.errors import ConfigError
from searchapi.clients import parse_networks, resolve
from searchapi.limits import per_worker
from tests.searchapi.hostile import any_text

PROXIES = parse_networks("127.0.0.1, 10.0.0.0/8, ::1")


@pytest.mark.parametrize(
    ("peer", "hops", "client"),
    [
        ("203.0.113.9", [], "203.0.113.9"),
        ("203.0.113.9", ["198.51.100.1"], "203.0.113.9"),  # not a trusted proxy: header ignored
        ("127.0.0.1", ["198.51.100.1"], "198.51.100.1"),
        ("127.0.0.1", ["forged", "198.51.100.1", "10.1.2.3"], "198.51.100.1"),
        ("127.0.0.1", ["198.51.100.7", "198.51.100.1"], "198.51.100.1"),  # rightmost untrusted
        ("127.0.0.1", ["nonsense"], "127.0.0.1"),
        ("127.0.0.1", ["10.0.0.2"], "10.0.0.2"),  # only proxies: the farthest one
        ("127.0.0.1", ["[2001:db8::1]:4711"], "2001:db8::1"),
        ("127.0.0.1", ["198.51.100.1:4711"], "198.51.100.1"),
        ("::1", ['"[2001:db8::2]"'], "2001:db8::2"),
        (None, [], "unknown"),
    ],
)
def test_client_behind_proxies(peer: str | None, hops: list[str], client: str) -> None:
    assert resolve(peer, hops, PROXIES) == client


def test_no_trusted_proxies_means_the_peer() -> None:
    assert resolve("127.0.0.1", ["198.51.100.1"], ()) == "127.0.0.1"


@pytest.mark.parametrize("text", ["localhost", "10.0.0.0/33", "1.2.3.4.5"])
def test_bad_proxy_setting_is_a_config_error(text: str) -> None:
    with pytest.raises(ConfigError):
        parse_networks(text)


@given(st.lists(any_text, max_size=40), st.sampled_from(["127.0.0.1", "10.9.9.9", "192.0.2.1"]))
def test_any_forwarded_header_gives_an_address_or_the_peer(hops: list[str], peer: str) -> None:
    client = resolve(peer, hops, PROXIES)
    assert client == peer or client in {h.strip().strip('"[]') for h in hops} or ":" in client
    assert len(client) <= 45


@pytest.mark.parametrize(
    ("workers", "share"),
    [(1, (10.0, 40.0)), (2, (5.0, 20.0)), (4, (2.5, 10.0)), (64, (10 / 64, 1))],
)
def test_the_rate_limit_is_divided_among_workers(workers: int, share: tuple[float, float]) -> None:
    assert per_worker(10.0, 40.0, workers) == share
