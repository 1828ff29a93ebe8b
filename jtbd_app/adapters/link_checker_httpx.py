"""Does a delivered link resolve? An httpx `LinkChecker` that never lets a contractor's URL probe our own network.

The server fetches URLs a stranger typed, so every connection (the first and each redirect's) goes through a network
backend that resolves the host itself and connects only to public addresses: private, loopback, link-local, shared,
multicast and reserved ones are refused at connect time, which also defeats a name that resolves to a public address
when checked and a private one when used. Redirects are followed by hand, at most five, each target checked again.
A HEAD that is refused or fails is tried again as a GET whose body is never read.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Collection, Iterable
from typing import Any

import httpcore
import httpx

from jtbd_app.services.ports import LinkResult

MAX_REDIRECTS = 5
REDIRECTS = frozenset({301, 302, 303, 307, 308})
USER_AGENT = "JTBD-Marketplace-LinkCheck/1.0 (+checks that a delivered link resolves)"
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class AddressRefused(Exception):
    """The host resolves to an address the checker must not reach."""


def public(ip: IPAddress) -> bool:
    """Globally routable unicast only (an IPv4 address mapped into IPv6 is judged as the IPv4 address)."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_link_local or ip.is_loopback)


class AddressGuard:
    """Which addresses may be reached: public ones, and loopback on `loopback_ports` only (for tests, never set in
    production)."""

    def __init__(self, loopback_ports: Collection[int] = ()) -> None:
        self.loopback_ports = frozenset(loopback_ports)

    def allows(self, ip: IPAddress, port: int) -> bool:
        if public(ip):
            return True
        return ip.is_loopback and port in self.loopback_ports

    async def resolve(self, host: str, port: int) -> str:
        """The first address of `host` to connect to; AddressRefused when any of its addresses is not allowed (a
        name with one private address among public ones is refused too)."""
        try:
            literal: IPAddress | None = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            literal = None
        if literal is not None:
            addresses: Iterable[IPAddress] = [literal]
        else:
            try:
                infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
            except OSError as exc:
                raise httpcore.ConnectError(f"the host {host} was not found") from exc
            addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
        found = list(dict.fromkeys(addresses))
        if not found:
            raise httpcore.ConnectError(f"the host {host} was not found")
        refused = [ip for ip in found if not self.allows(ip, port)]
        if refused:
            raise AddressRefused(f"{host} points to a private or local address, which is never fetched")
        return str(found[0])


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's own backend, connecting only to an address the guard allowed (TLS still names the host)."""

    def __init__(self, guard: AddressGuard) -> None:
        self._guard = guard
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        address = await self._guard.resolve(host, port)
        return await self._inner.connect_tcp(
            address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
        )

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise AddressRefused("unix sockets are never fetched")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _GuardedTransport(httpx.AsyncHTTPTransport):
    def __init__(self, guard: AddressGuard) -> None:
        super().__init__(trust_env=False, retries=0)  # no proxy from the environment: it would connect for us
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=10,
            max_keepalive_connections=0,
            network_backend=_GuardedBackend(guard),
        )


class HttpxLinkChecker:
    """`LinkChecker` over httpx. `allow_loopback_ports` lets tests check servers they start on 127.0.0.1."""

    def __init__(
        self,
        *,
        timeout: float = 5.0,
        max_redirects: int = MAX_REDIRECTS,
        allow_loopback_ports: Collection[int] = (),
    ) -> None:
        self.timeout = timeout
        self.max_redirects = max_redirects
        self._guard = AddressGuard(allow_loopback_ports)

    async def check(self, url: str) -> LinkResult:
        try:
            start = httpx.URL(url)
        except (httpx.InvalidURL, TypeError):
            return LinkResult(False, None, "it is not a valid link")
        if start.scheme not in ("http", "https") or not start.host:
            return LinkResult(False, None, "only http and https links are checked")
        async with httpx.AsyncClient(
            transport=_GuardedTransport(self._guard),
            timeout=httpx.Timeout(self.timeout),
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT},
            trust_env=False,
        ) as client:
            try:
                async with asyncio.timeout(self.timeout * (self.max_redirects + 2) * 2):
                    result = await self._follow(client, "HEAD", start)
                    if result.status is not None and result.status >= 400:  # some servers refuse or botch HEAD
                        result = await self._follow(client, "GET", start)
            except TimeoutError:
                return LinkResult(False, None, "it did not answer in time")
        return result

    async def _follow(self, client: httpx.AsyncClient, method: str, url: httpx.URL) -> LinkResult:
        """Ask, following at most `max_redirects` redirects by hand (each target goes through the guard again)."""
        for _ in range(self.max_redirects + 1):
            try:
                response = await client.send(client.build_request(method, url), stream=True)
            except AddressRefused as exc:
                return LinkResult(False, None, str(exc))
            except httpx.TimeoutException:
                return LinkResult(False, None, "it did not answer in time")
            except httpx.HTTPError as exc:
                return LinkResult(False, None, _transport_reason(exc))
            await response.aclose()  # the body is never read
            location = response.headers.get("location")
            if response.status_code not in REDIRECTS or not location:
                ok = 200 <= response.status_code < 400
                return LinkResult(ok, response.status_code, "" if ok else response.reason_phrase)
            try:
                url = url.join(location)
            except httpx.InvalidURL:
                return LinkResult(False, response.status_code, "it redirects to an invalid link")
            if url.scheme not in ("http", "https"):
                return LinkResult(False, response.status_code, "it redirects to something other than a web page")
        return LinkResult(False, None, f"it redirects more than {self.max_redirects} times")


def _transport_reason(exc: httpx.HTTPError) -> str:
    cause = exc.__cause__ or exc.__context__
    while cause is not None:  # httpx wraps httpcore's error, which carries our message
        if isinstance(cause, AddressRefused):
            return str(cause)
        cause = cause.__cause__ or cause.__context__
    text = str(exc)
    if "was not found" in text:
        return text
    return "it could not be reached"
