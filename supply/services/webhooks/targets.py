"""Which URLs a webhook may be sent to: http(s) only, and no loopback or private address unless allowed.

A host name is resolved and every address it resolves to must be public, at registration and again before each
attempt (a name may be pointed elsewhere later).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from supply.i18n import N_
from supply.services.errors import Invalid

MAX_URL = 2000


class TargetRefused(Exception):
    """A URL we will not POST to; `message` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _addresses(host: str, port: int) -> list[str]:
    try:
        return [info[4][0] for info in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)]
    except (socket.gaierror, UnicodeError) as exc:
        raise TargetRefused(N_("The host name of this URL cannot be resolved.")) from exc


def check_target(url: str, allow_private: bool) -> None:
    """Raise TargetRefused when a webhook may not be sent to this URL."""
    if len(url) > MAX_URL:
        raise TargetRefused(N_("A URL is at most 2000 characters."))
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise TargetRefused(N_("Not a valid URL.")) from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetRefused(N_("Give an http or https URL."))
    if parts.username or parts.password:
        raise TargetRefused(N_("A webhook URL may not carry a user name or password."))
    if allow_private:
        return
    if not all(_public(address) for address in _addresses(parts.hostname, port)):
        raise TargetRefused(N_("This URL points to a loopback or private address, which this service does not call."))


def require_target(url: str, allow_private: bool, field: str) -> None:
    """Refuse (422, naming the field) a URL a webhook may not be sent to."""
    try:
        check_target(url, allow_private)
    except TargetRefused as exc:
        raise Invalid.field(field, exc.message) from exc
