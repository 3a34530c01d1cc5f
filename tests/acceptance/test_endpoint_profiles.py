"""A profile per endpoint and platform: shipped with a source, listed, documented, and judging
real media just inside and outside its limits (the committed files of fixtures/limits/, made by
fixtures/make_fixtures.py; no FFmpeg is needed), and a real HTTP server for URL policy."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import REPO, fixture_path
from test_rule_kinds import custom, facts_of, failing, limits

from validator.api import validate
from validator.check.engine import evaluate
from validator.output.explain import profiles_listing, profiles_table
from validator.profiles.catalog import HOOKS
from validator.profiles.profile import load_profile, shipped_profiles
from validator.records.facts import MediaFacts, RemoteFacts

EXPECTED_PROFILES = {"akool", "akool-lipsync", "akool-translate", "akool-faceswap",
                     "akool-character-swap", "akool-character-swap-kling", "tiktok",
                     "instagram-reels", "sync-so", "tavus", "runway", "youtube-shorts"}


def test_every_profile_is_shipped_with_its_source_and_inputs() -> None:
    assert set(shipped_profiles()) == EXPECTED_PROFILES
    for name, path in shipped_profiles().items():
        profile = load_profile(name)
        assert re.search(r"read 2026-12-06", profile.source), name
        assert "Source" in path.read_text() or "Sources" in path.read_text(), name
        assert profile.description and profile.inputs


def test_profiles_lists_each_with_description_and_source() -> None:
    listing = profiles_listing().splitlines()
    assert len(listing) == 2 * len(EXPECTED_PROFILES)
    assert "akool-translate: Akool video translation: the API limits, with 1210 above 30 fps" \
        in listing
    assert "    source: docs.akool.com ai-tools-suite/video-translation.mdx, read 2026-12-06" \
        in listing


def test_readme_profile_table_is_generated_from_the_profiles() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- profiles-table:start -->\n(.*?)\n<!-- profiles-table:end -->",
                      readme, flags=re.S)
    assert block is not None and block.group(1) == profiles_table()


def test_a_precommit_hook_per_profile() -> None:
    assert {hook.profile for hook in HOOKS} == EXPECTED_PROFILES
    assert HOOKS[0].id == "media-preflight" and HOOKS[1].id == "media-preflight-lipsync"


def test_platform_findings_carry_no_akool_code() -> None:
    clip = limits("container_mpeg4.mkv")   # Matroska, MPEG-4 Part 2, 1 s
    findings = evaluate(load_profile("tavus"), facts_of(clip))
    assert {f.rule for f in findings} == {"container-format", "video-codec", "min-duration"}
    assert all(f.code is None for f in findings)


@pytest.mark.parametrize(("name", "translate", "akool"), [("fps_30_aac.mp4", [], []),
                                                         ("fps_31_aac.mp4", [1210], []),
                                                         ("fps_45_aac.mp4", [1210], [])])
def test_translate_rejects_above_30_fps(name: str, translate: list[int],
                                        akool: list[int]) -> None:
    facts = facts_of(limits(name))
    for profile, codes in (("akool-translate", translate), ("akool", akool)):
        assert [f.code for f in evaluate(load_profile(profile), facts)
                if f.severity == "error"] == codes


@pytest.mark.parametrize(("name", "rule"), [("dur_0.96s.mp4", "min-duration"),
                                            ("dur_1.00s.mp4", None), ("dur_120s.mp4", None),
                                            ("dur_121s.mp4", "max-duration")])
def test_character_swap_takes_1_to_120_seconds(name: str, rule: str | None) -> None:
    assert failing(limits(name), "akool-character-swap") == ({rule} if rule else set())


@pytest.mark.parametrize(("name", "rule"), [("dur_2.96s.mp4", "min-duration"),
                                            ("dur_3.04s.mp4", None), ("dur_30s.mp4", None),
                                            ("dur_30.5s.mp4", "max-duration")])
def test_kling_takes_3_to_30_seconds(name: str, rule: str | None) -> None:
    assert failing(limits(name), "akool-character-swap-kling") == ({rule} if rule else set())


def test_character_swap_wants_mp4() -> None:
    mov = limits("container_h264.mov")
    assert failing(mov, "akool-character-swap") == {"container-format"}


def image(size: str, kind: str = "png") -> Path:
    """A solid-colour character image of fixtures/limits/."""
    return limits(f"face_{size}.{kind}")


def test_an_image_is_judged_as_the_character_image() -> None:
    face = image("300x300")
    assert failing(face, "akool-character-swap") == set()
    assert failing(face, "akool") == {"video-codec", "audio-present", "max-duration"}
    report = validate(face, profile="akool-character-swap")
    assert report.ok and report.findings == []


@pytest.mark.parametrize(("size", "fails"), [("300x300", False), ("298x300", True),
                                             ("300x298", True), ("300x750", False),
                                             ("300x752", True), ("750x300", False),
                                             ("752x300", True)])
def test_kling_image_sides_and_aspect_ratio(size: str, fails: bool) -> None:
    face = image(size)
    assert ("image-input" in failing(face, "akool-character-swap-kling")) is fails


def test_kling_image_format() -> None:
    assert failing(image("300x300", "jpg"), "akool-character-swap-kling") == set()
    [finding] = evaluate(load_profile("akool-character-swap-kling"),
                         facts_of(image("300x300", "bmp")))
    assert finding.message == "image format bmp is not accepted (png, jpeg)"


def test_image_bytes_limit(tmp_path: Path) -> None:
    face = image("300x300")
    size = face.stat().st_size
    inside = custom(tmp_path, f'extends = "akool-character-swap"\n[rules.image-input]\n'
                              f"max_bytes = {size}\n")
    assert "image-input" not in failing(face, inside)
    outside = custom(tmp_path, f'extends = "akool-character-swap"\n[rules.image-input]\n'
                               f"max_bytes = {size - 1}\n")
    assert "image-input" in failing(face, outside)


def test_faceswap_formats_and_duration_advice() -> None:
    avi = limits("container_mpeg4.avi")
    webm = limits("container_vp8.webm")
    long_take = limits("dur_61s.mp4")
    assert failing(avi, "akool-faceswap") == set()
    assert failing(webm, "akool-faceswap") == {"container-format"}
    [advice] = evaluate(load_profile("akool-faceswap"), facts_of(long_take))
    assert (advice.rule, advice.severity, advice.code) == ("max-duration", "warning", None)


@pytest.mark.parametrize(("size", "fails"), [("4096x2160", False), ("4098x2160", True),
                                             ("4096x2162", True)])
def test_sync_so_up_to_4k(size: str, fails: bool) -> None:
    assert ("picture-size" in failing(limits(f"size_{size}.mp4"), "sync-so")) is fails


@pytest.mark.parametrize(("name", "fails"), [("dur_60s.mp4", False), ("dur_59s.mp4", True)])
def test_tavus_needs_a_minute(name: str, fails: bool) -> None:
    assert ("min-duration" in failing(limits(name), "tavus")) is fails


@pytest.mark.parametrize(("name", "rules"), [   # 36x64 is 9:16
    ("dur_1.00s.mp4", set()), ("dur_180s_9x16.mp4", set()),
    ("dur_181s_9x16.mp4", {"max-duration"}), ("dur_0.96s.mp4", {"min-duration"}),
    ("aspect_64x64.mp4", {"aspect-ratio"}), ("aspect_64x36.mp4", {"aspect-ratio"}),
    ("aspect_38x64.mp4", {"aspect-ratio"}), ("turned_640x360.mp4", set()),
    ("wide_640x360.mp4", {"aspect-ratio"}),
])
def test_youtube_shorts_are_9_16_and_up_to_3_minutes(name: str, rules: set[str]) -> None:
    assert failing(limits(name), "youtube-shorts") == rules


def remote(url: str, redirects: int = 0, length: int | None = 1000,
           content_type: str | None = "video/mp4") -> MediaFacts:
    return MediaFacts(path=url, source="test", remote=RemoteFacts(
        url=url, redirects=redirects, status=200, content_type=content_type,
        content_length=length))


@pytest.mark.parametrize(("facts", "messages"), [
    (remote("https://cdn.example.com/a.mp4"), []),
    (remote("http://cdn.example.com/a.mp4"), ["the URL uses http, not https"]),
    (remote("https://203.0.113.7/a.mp4"), ["the URL's host is an IP address, not a domain name"]),
    (remote("https://[2001:db8::1]/a.mp4"),
     ["the URL's host is an IP address, not a domain name"]),
    (remote("https://cdn.example.com/a.mp4", redirects=1),
     ["the URL redirects (1 time(s)); it must answer itself"]),
    (remote("https://cdn.example.com/a.mp4", length=None), ["the server sends no Content-Length"]),
    (remote("https://cdn.example.com/a.mp4", length=32_000_000), []),
    (remote("https://cdn.example.com/a.mp4", length=32_000_001),
     ["Content-Length 32,000,001 bytes > 32,000,000 bytes"]),
    (remote("https://cdn.example.com/" + "a" * 2020 + ".mp4"), []),
    (remote("https://cdn.example.com/" + "a" * 2021 + ".mp4"),
     ["the URL is 2049 characters long (> 2048)"]),
])
def test_runway_url_policy(facts: MediaFacts, messages: list[str]) -> None:
    found = [f.message for f in evaluate(load_profile("runway"), facts) if f.rule == "url-policy"]
    assert found == messages


class _Routes(BaseHTTPRequestHandler):
    clip = fixture_path("pass/h264_aac_25fps.mp4").read_bytes()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def do_HEAD(self) -> None:  # noqa: N802
        self.answer(head=True)

    def do_GET(self) -> None:  # noqa: N802
        self.answer(head=False)

    def answer(self, head: bool) -> None:
        if self.path.startswith("/hop"):
            self.send_response(302)
            self.send_header("Location", "/clip.mp4")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "video/mp4")
        self.send_header("Content-Length", str(len(self.clip)))
        self.end_headers()
        if not head:
            self.wfile.write(self.clip)


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Routes)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def test_runway_url_policy_on_a_real_server(port: int) -> None:
    # The test server is on loopback, which the API refuses to fetch unless allowed.
    by_ip = validate(f"http://127.0.0.1:{port}/hop/clip.mp4", profile="runway",
                     allow_private_urls=True)
    messages = [f.message for f in by_ip.findings if f.rule == "url-policy"]
    assert messages == ["the URL uses http, not https",
                        "the URL's host is an IP address, not a domain name",
                        "the URL redirects (1 time(s)); it must answer itself"]
    by_name = validate(f"http://localhost:{port}/clip.mp4", profile="runway",
                       allow_private_urls=True)
    assert [f.message for f in by_name.findings if f.rule == "url-policy"] == \
        ["the URL uses http, not https"]
