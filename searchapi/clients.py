"""Who is asking: the reader's address, also behind a reverse proxy.

``X-Forwarded-For`` and ``Forwarded`` are honoured only when the connection comes from a trusted
proxy (``MUCLUC_TRUSTED_PROXIES``, addresses or networks); anyone else could write them to
dodge the rate limit. Behind a chain of proxies the client is the rightmost address that is not
itself a trusted proxy: every hop appends what it saw, so addresses left of it may be forged.
``Forwarded`` (RFC 7239) wins over ``X-Forwarded-For`` when both are present.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

from aiohttp import web

from mucluc.core.errors import ConfigError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

TRUSTED_PROXIES: web.AppKey[tuple[Network, ...]] = web.AppKey("trusted_proxies", tuple)
_CLIENT: web.RequestKey[str] = web.RequestKey("client", str)
MAX_HOPS = 32


def parse_networks(text: str) -> tuple[Network, ...]:
    """Networks from a comma-separated list (``10.0.0.1, 172.16.0.0/12, ::1``)."""
    networks: list[Network] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise ConfigError(
                f"MUCLUC_TRUSTED_PROXIES: {part!r} is not an IP address or network",
                hint="for example 127.0.0.1,10.0.0.0/8",
            ) from None
    return tuple(networks)


def _address(text: str) -> Address | None:
    text = text.strip().strip('"')
    if text.startswith("["):  # [2001:db8::1]:4711
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:  # 192.0.2.1:4711
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(address: Address | None, proxies: Sequence[Network]) -> bool:
    return address is not None and any(address in network for network in proxies)


def _forwarded_for(request: web.Request) -> list[str]:
    if "Forwarded" in request.headers:
        try:
            return [hop["for"] for hop in request.forwarded if "for" in hop]
        except (ValueError, KeyError, TypeError):
            return []
    hops: list[str] = []
    for header in request.headers.getall("X-Forwarded-For", []):
        hops += [hop.strip() for hop in header.split(",") if hop.strip()]
    return hops


def resolve(peer: str | None, hops: Iterable[str], proxies: Sequence[Network]) -> str:
    """The client's address: the peer, or, when the peer is a trusted proxy, the rightmost
    forwarded address that is not a trusted proxy (a malformed one ends the walk)."""
    current = peer or "unknown"
    if not proxies or not _trusted(_address(current), proxies):
        return current
    for hop in reversed(list(hops)[-MAX_HOPS:]):
        address = _address(hop)
        if address is None:
            return current
        current = str(address)
        if not _trusted(address, proxies):
            return current
    return current


def client_address(request: web.Request) -> str:
    """The reader's address for rate limits and log hashes (computed once per request)."""
    cached = request.get(_CLIENT)
    if cached is None:
        proxies = request.app.get(TRUSTED_PROXIES, ())
        hops = _forwarded_for(request) if proxies else []
        cached = request[_CLIENT] = resolve(request.remote, hops, proxies)
    return cached
