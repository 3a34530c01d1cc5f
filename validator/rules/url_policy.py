"""A URL input must meet the service's fetch policy (no API code).

Some services fetch only what they can trust: ``https_only`` (no plain http),
no redirects (``allow_redirects = false``: the URL must answer itself), a host
that is a domain name rather than an IP address (``ip_hosts = false``), a
server that states Content-Type and Content-Length (``require_headers``), and
at most ``max_bytes`` by that Content-Length, and a URL of at most
``max_url_length`` characters. A local file is not judged.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import NamedTuple
from urllib.parse import urlsplit

from validator.records.facts import MediaFacts, RemoteFacts
from validator.rules.base import Rule, Violation, docstring
from validator.rules.url import URL_INPUTS


class Options(NamedTuple):
    https_only: bool = True
    allow_redirects: bool = False
    ip_hosts: bool = False
    require_headers: bool = False
    max_bytes: int | None = None
    max_url_length: int | None = None


def is_ip(host: str) -> bool:
    """Whether a URL's host is an IP address (v4 or bracketed v6) rather than a name."""
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _address_violations(remote: RemoteFacts, options: Options) -> Iterator[Violation]:
    parts = urlsplit(remote.url)
    if options.https_only and parts.scheme != "https":
        yield Violation(f"the URL uses {parts.scheme}, not https", actual=parts.scheme,
                        limit="https")
    if not options.ip_hosts and is_ip(parts.hostname or ""):
        yield Violation("the URL's host is an IP address, not a domain name",
                        actual=parts.hostname)
    if options.max_url_length is not None and len(remote.url) > options.max_url_length:
        yield Violation(f"the URL is {len(remote.url)} characters long "
                        f"(> {options.max_url_length})",
                        actual=len(remote.url), limit=options.max_url_length)
    if not options.allow_redirects and remote.redirects:
        yield Violation(f"the URL redirects ({remote.redirects} time(s)); it must answer "
                        "itself", actual=remote.redirects, limit=0)


def _header_violations(remote: RemoteFacts, options: Options) -> Iterator[Violation]:
    if options.require_headers:
        missing = [name for name, value in (("Content-Type", remote.content_type),
                                            ("Content-Length", remote.content_length))
                   if value is None]
        if missing:
            yield Violation(f"the server sends no {' and no '.join(missing)}", actual=missing)
    size, top = remote.content_length, options.max_bytes
    if size is not None and top is not None and size > top:
        yield Violation(f"Content-Length {size:,} bytes > {top:,} bytes", actual=size, limit=top)


def check(facts: MediaFacts, options: Options) -> Iterator[Violation]:
    remote = facts.remote
    if remote is None:
        return
    yield from _address_violations(remote, options)
    if remote.status is not None:
        yield from _header_violations(remote, options)


RULE = Rule(
    id="url-policy",
    code=None,
    severity="error",
    summary="a URL is https, on a domain name, without redirects (as the profile asks)",
    hint="Give the final https URL on your storage's domain name (a pre-signed object-store "
    "URL), not a link that redirects or an IP address.",
    doc=docstring(__doc__),
    check=check,
    options=Options,
    constraints={"max_bytes": {"gt": 0}, "max_url_length": {"gt": 0}},
    applies_to_unreadable=True,
    inputs=URL_INPUTS,
)
