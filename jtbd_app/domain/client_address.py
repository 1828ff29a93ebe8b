"""Whose request this is: the socket peer, or, only when the peer is a trusted proxy, the address it forwarded (and
the scheme the client used: X-Forwarded-Proto).

X-Forwarded-For is read right to left (each proxy appends the address it heard from), skipping trusted hops: the
first untrusted address is the client. A header from an untrusted peer is anyone's invention and is ignored.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_networks(text: str) -> tuple[Network, ...]:
    """TRUSTED_PROXIES: comma-separated addresses or CIDRs (`10.0.0.0/8, 172.18.0.5`). ValueError names a bad one."""
    networks = []
    for item in (i.strip() for i in text.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(f"TRUSTED_PROXIES: {item!r} is not an address or CIDR (e.g. 10.0.0.0/8)") from None
    return tuple(networks)


def _address(text: str) -> Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "203.0.113.9:51000"
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(address: Address, trusted: Iterable[Network]) -> bool:
    return any(address.version == n.version and address in n for n in trusted)


def client_address(peer: str, forwarded_for: Iterable[str], trusted: tuple[Network, ...]) -> str:
    """The client's address for a request from `peer` carrying these X-Forwarded-For header values."""
    current = _address(peer)
    if current is None or not trusted or not _trusted(current, trusted):
        return peer
    hops = [hop for value in forwarded_for for hop in value.split(",") if hop.strip()]
    for hop in reversed(hops):
        forwarded = _address(hop)
        if forwarded is None:
            break  # garbage in the chain: the last address a trusted hop vouched for stands
        current = forwarded
        if not _trusted(current, trusted):
            break
    return str(current)


def forwarded_scheme(peer: str, forwarded_proto: Iterable[str], trusted: tuple[Network, ...]) -> str | None:
    """The scheme ("https" or "http") the trusted proxy `peer` says the client asked with (its X-Forwarded-Proto;
    of a list, the nearest proxy's word, the last), or None: an untrusted peer, no header, or anything else in it."""
    address = _address(peer)
    if address is None or not trusted or not _trusted(address, trusted):
        return None
    values = [item.strip().lower() for value in forwarded_proto for item in value.split(",") if item.strip()]
    return values[-1] if values and values[-1] in ("https", "http") else None
