"""URLs without their secrets: what reports and messages may show of a URL.

A pre-signed URL carries its credentials in the query (``X-Amz-Signature``,
``Signature``, ``token``, ``hdnts=exp=…~hmac=…``, ``hash``, ...), in path
parameters (``/clip.mp4;token=…``) or in its user-info (``user:pass@``).
Reports, messages and errors only ever show :func:`redact_url`'s form of it:
the user-info and the value of every query parameter, path parameter and
fragment parameter are replaced by ``REDACTED`` (a list of secret names
would always miss one); the scheme, host, path and the parameter names stay,
so you can still tell which file it is.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit, urlunsplit

REDACTED = "REDACTED"
URL_SCHEMES = ("http://", "https://")

_USERINFO = re.compile(r"^([a-z][a-z0-9+.-]*://)[^/?#]*@", re.IGNORECASE)
_PATH_PARAM = re.compile(r";([^/;=]*)=([^/;]*)")
_VALUE_PARTS = re.compile(r"[~=,:;&]")    # hdnts=exp=…~acl=…~hmac=…: each part is secret too
_MIN_SECRET_LENGTH = 4


def is_url(text: str) -> bool:
    """Whether a path argument is an ``http://`` or ``https://`` URL."""
    return text[:8].lower().startswith(URL_SCHEMES)


def _redact_params(text: str) -> str:
    """``a=1&token=xyz`` → ``a=REDACTED&token=REDACTED`` (a bare ``flag`` stays)."""
    parts = []
    for pair in text.split("&"):
        name, sep, value = pair.partition("=")
        parts.append(f"{name}={REDACTED}" if sep and value else pair)
    return "&".join(parts)


def _redact_path(path: str) -> str:
    """``/a;token=xyz/b.mp4`` → ``/a;token=REDACTED/b.mp4``."""
    return _PATH_PARAM.sub(lambda m: f";{m.group(1)}={REDACTED}" if m.group(2) else m.group(0),
                           path)


def redact_url(url: str) -> str:
    """The URL with its user-info and every parameter value replaced by REDACTED."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return _USERINFO.sub(rf"\1{REDACTED}@", url.split("?", 1)[0].split("#", 1)[0])
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{REDACTED}@{netloc.rsplit('@', 1)[1]}"
    fragment = _redact_params(parts.fragment) if "=" in parts.fragment else parts.fragment
    return urlunsplit((parts.scheme, netloc, _redact_path(parts.path),
                       _redact_params(parts.query), fragment))


def secrets_of(url: str) -> list[str]:
    """The secret values in a URL (user-info, parameter values), raw and decoded, longest
    first."""
    found: list[str] = []
    try:
        parts = urlsplit(url)
    except ValueError:
        return found
    if "@" in parts.netloc:
        userinfo = parts.netloc.rsplit("@", 1)[0]
        found += [userinfo, *userinfo.split(":", 1)]
    values = [match.group(2) for match in _PATH_PARAM.finditer(parts.path)]
    for pair in f"{parts.query}&{parts.fragment}".split("&"):
        values.append(pair.partition("=")[2])
    for value in values:
        found += [value, unquote(value), *_VALUE_PARTS.split(unquote(value))]
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
