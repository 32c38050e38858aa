"""How requests reach a server: TLS trust and client certificate, and the proxy to go through.

Pure values: no files are read and no environment is consulted here. ``app.http`` turns a
``TransportSettings`` into an SSL context and a connection pool, and keeps one pool per
distinct ``TransportSettings`` (they are frozen, so they hash and compare by value).
"""

from __future__ import annotations

import enum
import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from app.core.http_syntax import default_port

__all__ = ["ProxyMode", "ProxySettings", "TlsSettings", "TransportSettings"]


@dataclass(frozen=True, slots=True)
class TlsSettings:
    """Which servers to trust, and the certificate this client shows when a server asks.

    Paths are as the user typed them (``~`` allowed); empty means "not set". ``verify=False``
    trusts any server certificate and ignores ``ca_bundle``. ``client_key`` may stay empty
    when ``client_cert`` holds the key as well. ``key_passphrase`` is the resolved secret; it
    is left out of ``repr`` so it never reaches a log.
    """

    verify: bool = True
    ca_bundle: str = ""
    client_cert: str = ""
    client_key: str = ""
    key_passphrase: str = field(default="", repr=False)


class ProxyMode(enum.Enum):
    """Where the proxy comes from: the system's settings, nowhere, or the fields typed here."""

    SYSTEM = "system"
    NONE = "none"
    MANUAL = "manual"


@dataclass(frozen=True, slots=True)
class _NoProxyEntry:
    """One ``no_proxy`` item: a name (matching itself and its subdomains), an IP or a network."""

    host: str = ""
    network: ipaddress.IPv4Network | ipaddress.IPv6Network | None = None
    port: int | None = None

    def matches(self, host: str, port: int) -> bool:
        if self.port is not None and self.port != port:
            return False
        if self.network is not None:
            try:
                return ipaddress.ip_address(host) in self.network
            except ValueError:
                return False
        return host == self.host or host.endswith("." + self.host)


def _parse_no_proxy_entry(text: str) -> _NoProxyEntry | None:
    entry = text.strip().lower().rstrip(".")
    port: int | None = None
    if entry.startswith("["):
        inside, _, rest = entry[1:].partition("]")
        entry = inside
        if rest.startswith(":") and rest[1:].isdigit():
            port = int(rest[1:])
    elif entry.count(":") == 1:
        name, _, digits = entry.partition(":")
        if not digits.isdigit():
            return None
        entry, port = name, int(digits)
    entry = entry.removeprefix("*").lstrip(".")
    if not entry:
        return None
    try:
        network = ipaddress.ip_network(entry, strict=False)
    except ValueError:
        return _NoProxyEntry(host=entry, port=port)
    return _NoProxyEntry(network=network, port=port)


def _with_scheme(proxy: str) -> str:
    proxy = proxy.strip()
    # Like curl and the HTTP_PROXY convention: "host:3128" means an http:// proxy.
    return proxy if not proxy or "://" in proxy else f"http://{proxy}"


@dataclass(frozen=True, slots=True)
class ProxySettings:
    """The proxy for http:// and for https:// requests, and the hosts that go direct.

    ``no_proxy`` is a comma-separated list as in the ``NO_PROXY`` convention: ``*`` (no proxy
    at all), host names (``example.com`` also covers ``api.example.com``; a leading ``.`` or
    ``*.`` changes nothing), IP addresses, networks (``10.0.0.0/8``), each optionally with a
    ``:port``. An empty proxy for a scheme means that scheme goes direct.
    """

    mode: ProxyMode = ProxyMode.SYSTEM
    http_proxy: str = ""
    https_proxy: str = ""
    no_proxy: str = ""

    def resolved(self, system_proxies: Mapping[str, str]) -> ProxySettings:
        """These settings with ``SYSTEM`` replaced by what the system says.

        ``system_proxies`` is shaped like ``urllib.request.getproxies()``: keys ``http``,
        ``https``, ``all`` (the fallback for both) and ``no``. Other modes come back as is.
        """
        if self.mode is not ProxyMode.SYSTEM:
            return self
        fallback = system_proxies.get("all", "")
        return ProxySettings(
            mode=ProxyMode.MANUAL,
            http_proxy=system_proxies.get("http", "") or fallback,
            https_proxy=system_proxies.get("https", "") or fallback,
            no_proxy=system_proxies.get("no", ""),
        )

    def proxy_urls(self) -> tuple[str, ...]:
        """Every distinct proxy URL these (resolved) settings may send through."""
        if self.mode is not ProxyMode.MANUAL:
            return ()
        urls = (_with_scheme(self.http_proxy), _with_scheme(self.https_proxy))
        return tuple(dict.fromkeys(url for url in urls if url))

    def proxy_for(self, url: str) -> str:
        """The proxy URL a request to ``url`` goes through, or ``""`` for a direct connection.

        Raises ``ValueError`` for ``SYSTEM`` mode: only ``resolved()`` settings know the answer.
        """
        if self.mode is ProxyMode.SYSTEM:
            raise ValueError("resolve SYSTEM proxy settings before asking where a URL goes")
        if self.mode is ProxyMode.NONE:
            return ""
        try:
            parts = urlsplit(url)
            scheme = parts.scheme.lower()
            host = (parts.hostname or "").rstrip(".")
            port = parts.port or default_port(scheme)
        except ValueError:
            return ""
        proxy = {"http": self.http_proxy, "https": self.https_proxy}.get(scheme, "")
        if not proxy.strip() or self._bypasses(host, port):
            return ""
        return _with_scheme(proxy)

    def _bypasses(self, host: str, port: int) -> bool:
        for text in re.split(r"[,\s]+", self.no_proxy):
            if text.strip() == "*":
                return True
            entry = _parse_no_proxy_entry(text)
            if entry is not None and entry.matches(host, port):
                return True
        return False


@dataclass(frozen=True, slots=True)
class TransportSettings:
    """Everything below HTTP that a send depends on; equal settings share one connection pool."""

    tls: TlsSettings = field(default_factory=TlsSettings)
    proxy: ProxySettings = field(default_factory=ProxySettings)
