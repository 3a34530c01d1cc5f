"""What the URL rules share: a ``video_url`` / ``audio_url`` / image ``url`` is fetched by the API.

A path that is an ``http://`` or ``https://`` URL is checked the way the API
will see it: a HEAD request (or a ranged GET when HEAD is refused) gives the
status, size and type; then the media is read through HTTP range requests,
never downloaded whole. The url-* rules judge the server's answers; the media
rules (codec, duration, ...) then judge what was read.
"""

from __future__ import annotations

from validator.records.facts import status_text

__all__ = ["URL_INPUTS", "media_type", "not_media", "status_text"]

URL_INPUTS = ("video", "audio", "image")

_NOT_MEDIA = ("application/json", "application/xml", "application/xhtml+xml",
              "application/javascript", "application/pdf", "application/x-www-form-urlencoded")


def media_type(content_type: str | None) -> str | None:
    """'text/html; charset=utf-8' → 'text/html'."""
    if not content_type:
        return None
    return content_type.split(";", 1)[0].strip().lower() or None


def not_media(content_type: str | None) -> bool:
    """Whether a Content-Type clearly names something that is not audio or video."""
    kind = media_type(content_type)
    return kind is not None and (kind.startswith("text/") or kind in _NOT_MEDIA)
