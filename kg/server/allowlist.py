"""Whether an allow-list lets kg call an endpoint (SERVICE) or fetch a source (LOAD).

An entry is an http(s) IRI. A target matches an entry with the same scheme, the same host
(compared as text in lower case: ``http://2130706433/`` or ``http://0x7f.1/`` is not
``http://127.0.0.1/``), the same port (80 or 443 when absent), and a path equal to the entry's
or under it (``/sparql`` allows ``/sparql`` and ``/sparql/x``, not ``/sparql2``). A target with
user information (``http://allowed@127.0.0.1/``), dot segments (``/sparql/../admin``, also
percent-encoded), or another scheme (``file:``, ``ftp:``, ...) is refused whatever the list says.

An entry naming its host by a DNS name (not an IP literal, not ``localhost``) also needs the
name to resolve to global addresses only: an allowed name that points at a loopback, private,
link-local or reserved address is refused, so a DNS record outside the operator's control cannot
open the internal network. pyoxigraph resolves the name again when it connects, so a record that
changes in between (DNS rebinding) is not caught here; an egress firewall is the full answer.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

__all__ = ["allowed_prefixes", "non_global_address", "refusal"]

_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True, slots=True)
class _Endpoint:
    scheme: str
    host: str
    port: int
    path: str

    def under(self, entry: _Endpoint) -> bool:
        """True if this target is the entry or lies under it."""
        if (self.scheme, self.host, self.port) != (entry.scheme, entry.host, entry.port):
            return False
        root = entry.path.rstrip("/")
        return self.path == entry.path or self.path.startswith(root + "/")


def allowed_prefixes(setting: str) -> tuple[str, ...]:
    """The entries of an allow-list setting (comma-separated)."""
    return tuple(item.strip() for item in setting.split(",") if item.strip())


def _endpoint(iri: str) -> _Endpoint | str:
    """The parts of an http(s) IRI that decide where a request goes, or why it is refused."""
    parts = urlsplit(iri)
    scheme = parts.scheme.lower()
    if scheme not in _PORTS:
        return f"kg calls only http: and https: IRIs, not {scheme or 'relative'}: ones"
    if "@" in parts.netloc:
        return "an IRI with user information (user@host) is never called"
    try:
        port = parts.port or _PORTS[scheme]
    except ValueError:
        return "the IRI's port is not a number from 0 to 65535"
    if not parts.hostname:
        return "the IRI names no host"
    path = unquote(parts.path) or "/"
    if any(segment in (".", "..") for segment in path.replace("\\", "/").split("/")):
        return "an IRI with '.' or '..' path segments is never called"
    return _Endpoint(scheme, parts.hostname.lower(), port, path)


def _named_by_dns(host: str) -> bool:
    if host == "localhost":
        return False
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return True
    return False


def non_global_address(host: str, port: int) -> str | None:
    """The first address host resolves to that is not a global one, or "unresolvable"; None if
    every address is global."""
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return "unresolvable"
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        mapped = getattr(address, "ipv4_mapped", None)
        if not (mapped or address).is_global:
            return str(address)
    return None


def refusal(target: str, allowlist: str) -> str:
    """Why target may not be called under allowlist ("" if it may)."""
    wanted = _endpoint(target)
    if isinstance(wanted, str):
        return wanted
    entries = [e for e in map(_endpoint, allowed_prefixes(allowlist)) if isinstance(e, _Endpoint)]
    if not entries:
        return "this endpoint's allow-list is empty"
    entry = next((e for e in entries if wanted.under(e)), None)
    if entry is None:
        return "it is not on this endpoint's allow-list"
    if _named_by_dns(entry.host):
        address = non_global_address(wanted.host, wanted.port)
        if address is not None:
            return f"{wanted.host} resolves to a non-public address ({address})"
    return ""
