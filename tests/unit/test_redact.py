"""Redaction on values: credentials in URLs and in messages that quote them never show."""

from __future__ import annotations

from validator.records.redact import is_url, redact_url, scrub


def test_redaction() -> None:
    url = ("https://me:pw1234@bucket.s3.amazonaws.com/a%20b/clip.mp4?X-Amz-Credential=AKIA1234"
           "&X-Amz-Date=20240101T000000Z&X-Amz-Signature=abcdef0123&Signature=zzzz9999"
           "&sig=azure5555&token=tok1234&api_key=k9999&Expires=1700000000#access_token=frag777")
    shown = redact_url(url)
    assert shown == ("https://REDACTED@bucket.s3.amazonaws.com/a%20b/clip.mp4"
                     "?X-Amz-Credential=REDACTED&X-Amz-Date=REDACTED"
                     "&X-Amz-Signature=REDACTED&Signature=REDACTED&sig=REDACTED&token=REDACTED"
                     "&api_key=REDACTED&Expires=REDACTED#access_token=REDACTED")
    assert redact_url("https://example.com/clip.mp4") == "https://example.com/clip.mp4"
    message = scrub(f"cannot open {url}: token tok1234 and pw1234 rejected", url)
    for secret in ("AKIA1234", "abcdef0123", "tok1234", "pw1234", "frag777", "k9999"):
        assert secret not in message
    assert is_url("HTTPS://x/y") and is_url("http://x") and not is_url("ftp://x")
    assert not is_url("clip.mp4") and not is_url("https-clip.mp4")
