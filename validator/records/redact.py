"""URLs without their secrets: what reports and messages may show of a URL.

A pre-signed URL carries its credentials in the query (``X-Amz-Signature``,
``Signature``, ``token``, ``key``, ...) or in its user-info (``user:pass@``).
Reports, messages and errors only ever show :func:`redact_url`'s form of it:
the user-info and the values of every parameter whose name looks like a
secret are replaced by ``REDACTED``; the scheme, host, path and the other
parameters stay, so you can still tell which file it is.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit, urlunsplit

REDACTED = "REDACTED"
URL_SCHEMES = ("http://", "https://")

# Parameter names that carry credentials: AWS/GCS/Azure/CloudFront signatures, tokens, keys.
_SECRET_NAME = re.compile(
    r"sig|token|key|secret|pass|pwd|credential|auth|session|policy|jwt|code|access|cookie",
    re.IGNORECASE)
_USERINFO = re.compile(r"^([a-z][a-z0-9+.-]*://)[^/?#]*@", re.IGNORECASE)
_MIN_SECRET_LENGTH = 4


def is_url(text: str) -> bool:
    """Whether a path argument is an ``http://`` or ``https://`` URL."""
    return text[:8].lower().startswith(URL_SCHEMES)


def _redact_params(text: str) -> str:
    """``a=1&token=xyz`` → ``a=1&token=REDACTED`` (the encoding of the rest is kept)."""
    parts = []
    for pair in text.split("&"):
        name, sep, _value = pair.partition("=")
        secret = sep and _SECRET_NAME.search(unquote(name))
        parts.append(f"{name}={REDACTED}" if secret else pair)
    return "&".join(parts)


def redact_url(url: str) -> str:
    """The URL with its user-info and secret-looking parameter values replaced by REDACTED."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return _USERINFO.sub(rf"\1{REDACTED}@", url.split("?", 1)[0].split("#", 1)[0])
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{REDACTED}@{netloc.rsplit('@', 1)[1]}"
    fragment = _redact_params(parts.fragment) if "=" in parts.fragment else parts.fragment
    return urlunsplit((parts.scheme, netloc, parts.path, _redact_params(parts.query), fragment))


def secrets_of(url: str) -> list[str]:
    """The secret values in a URL (user-info, secret-looking parameters), raw and decoded."""
    found: list[str] = []
    try:
        parts = urlsplit(url)
    except ValueError:
        return found
    if "@" in parts.netloc:
        userinfo = parts.netloc.rsplit("@", 1)[0]
        found += [userinfo, *userinfo.split(":", 1)]
    for pair in f"{parts.query}&{parts.fragment}".split("&"):
        name, sep, value = pair.partition("=")
        if sep and value and _SECRET_NAME.search(unquote(name)):
            found += [value, unquote(value)]
    unique = {value for value in found if len(value) >= _MIN_SECRET_LENGTH}
    return sorted(unique, key=len, reverse=True)


def scrub(text: str, *urls: str) -> str:
    """Text (an error message, say) with every given URL redacted and their secrets removed."""
    for url in urls:
        text = text.replace(url, redact_url(url))
    for url in urls:
        for secret in secrets_of(url):
            text = text.replace(secret, REDACTED)
    return text
