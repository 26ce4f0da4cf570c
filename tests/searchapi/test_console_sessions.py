"""The console's parsers of untrusted text (Authorization header, session cookie, form token,
key) never raise and accept only what was signed; the failure throttle stays bounded."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indexer.accounts import parse_key
from searchapi.console.sessions import (
    ANONYMOUS,
    Failures,
    bearer,
    make_form_token,
    make_session,
    read_form_token,
    read_session,
)
from searchapi.console.uploads import safe_name

SECRET = b"s" * 32
OTHER = b"o" * 32
KEY = "mlk_0123456789ab." + "A" * 43


@pytest.mark.parametrize(("header", "expected"), [
    (f"Bearer {KEY}", KEY),
    (f"bearer {KEY}", KEY),
    (f"Bearer   {KEY}  ", KEY),
    ("Bearer", None),
    ("Bearer ", None),
    ("Basic dXNlcjpwYXNz", None),
    (f"Bearer {KEY} extra", None),
    ("", None),
    (None, None),
    ("Bearer " + "x" * 400, None),
], ids=["plain", "lower-case-scheme", "extra-spaces", "no-credential", "empty-credential",
        "basic", "two-words", "empty", "absent", "too-long"])
def test_bearer_header(header: str | None, expected: str | None) -> None:
    assert bearer(header) == expected


@given(st.text(max_size=400))
def test_bearer_never_raises_and_returns_a_printable_token(header: str) -> None:
    found = bearer(header)
    assert found is None or (found in header and " " not in found)


@pytest.mark.parametrize(("text", "expected"), [
    (KEY, ("0123456789ab", "A" * 43)),
    (" " + KEY + "\n", ("0123456789ab", "A" * 43)),
    ("mlk_0123456789AB." + "A" * 43, None),  # key ids are lower-case hex
    ("mlk_0123456789ab" + "A" * 43, None),
    ("mlk_0123456789ab.short", None),
    ("xyz_0123456789ab." + "A" * 43, None),
], ids=["key", "pasted-with-spaces", "upper-case-id", "no-dot", "short-secret", "prefix"])
def test_parse_key(text: str, expected: tuple[str, str] | None) -> None:
    assert parse_key(text) == expected


@given(st.text(max_size=300))
def test_parse_key_never_raises(text: str) -> None:
    found = parse_key(text)
    assert found is None or (len(found[0]) == 12 and found[1] in text)


def test_a_session_round_trips_and_is_bound_to_the_secret_and_time() -> None:
    value = make_session(SECRET, "0123456789ab", issued=1_000_000)
    session = read_session(SECRET, value, now=1_000_100)
    assert session is not None and session.key_id == "0123456789ab"
    assert read_session(OTHER, value, now=1_000_100) is None
    assert read_session(SECRET, value, now=1_000_000 + 13 * 3600) is None  # expired
    assert read_session(SECRET, value, now=999_000) is None  # from the future
    key_id, issued, nonce, signature = value.split(".")
    assert read_session(SECRET, f"fedcba987654.{issued}.{nonce}.{signature}",
                        now=1_000_100) is None
    assert read_session(SECRET, f"{key_id}.{int(issued) + 1}.{nonce}.{signature}",
                        now=1_000_100) is None


@given(st.text(max_size=500))
def test_read_session_never_raises_and_refuses_what_it_did_not_sign(value: str) -> None:
    assert read_session(SECRET, value) is None


def test_a_form_token_is_bound_to_its_session() -> None:
    token = make_form_token(SECRET, "session-a", issued=1_000_000)
    assert read_form_token(SECRET, "session-a", token, now=1_000_010) == token.split(".")[0]
    assert read_form_token(SECRET, "session-b", token, now=1_000_010) is None
    assert read_form_token(SECRET, ANONYMOUS, token, now=1_000_010) is None
    assert read_form_token(OTHER, "session-a", token, now=1_000_010) is None
    assert read_form_token(SECRET, "session-a", token, now=1_000_000 + 5 * 3600) is None


@given(st.text(max_size=300), st.text(max_size=40))
def test_read_form_token_never_raises_and_refuses_what_it_did_not_sign(
    token: str, subject: str
) -> None:
    assert read_form_token(SECRET, subject, token) is None


def test_failures_slow_down_then_block_then_forget_after_the_window() -> None:
    failures = Failures(free=2, limit=5, window=100.0, max_delay=4.0)
    delays = [failures.fail("1.2.3.4", now=float(n)) for n in range(5)]
    assert delays == [0.0, 0.0, 0.25, 0.5, 1.0]
    assert failures.blocked("1.2.3.4", now=5.0)
    assert not failures.blocked("5.6.7.8", now=5.0)
    assert not failures.blocked("1.2.3.4", now=200.0)
    assert failures.fail("1.2.3.4", now=200.0) == 0.0


@given(st.lists(st.text(min_size=1, max_size=8), max_size=300))
def test_failures_memory_is_bounded(clients: list[str]) -> None:
    failures = Failures(capacity=50)
    for n, client in enumerate(clients):
        assert 0.0 <= failures.fail(client, now=float(n)) <= failures.max_delay
        assert len(failures) <= 50


@given(st.text(max_size=300))
def test_safe_name_is_a_plain_file_name(name: str) -> None:
    cleaned = safe_name(name)
    assert cleaned and "/" not in cleaned and "\\" not in cleaned
    assert cleaned not in {".", ".."} and len(cleaned) <= 120
