"""Rule specifications: these facts, these options → this finding (one line each)."""

from __future__ import annotations

import pytest

from validator.check.engine import doubts, evaluate
from validator.profiles.profile import load_profile
from validator.records.facts import AudioStream, MediaFacts, VideoStream

AKOOL = load_profile("akool")
LIPSYNC = load_profile("akool-lipsync")
AAC = AudioStream(index=1, codec="aac", channels=2, duration_s=10)


def media(codec: str | None = "h264", fps: float | None = 25.0, declared: float | None = None,
          duration: float | None = 10.0, audio: bool = True, size: int = 1_000_000,
          cover_art_only: bool = False) -> MediaFacts:
    video = (VideoStream(index=0, codec=codec, avg_fps=fps, declared_fps=declared,
                         cover_art=cover_art_only),) if codec != "none" else ()
    return MediaFacts(path="x.mp4", source="test", size_bytes=size, container="mp4",
                      duration_s=duration, video=video, audio=(AAC,) if audio else ())


def errors(facts: MediaFacts, profile=AKOOL) -> list[int | None]:
    return sorted(f.code for f in evaluate(profile, facts) if f.severity == "error")


def warnings(facts: MediaFacts, profile=AKOOL) -> list[str]:
    return [f.rule for f in evaluate(profile, facts) if f.severity == "warning"]


@pytest.mark.parametrize(("facts", "codes"), [
    (media(), []),
    (media(audio=False), [1203]),
    (media(duration=59.5), []),
    (media(duration=60.0), []),                         # equal to the limit passes
    (media(duration=60.001), [1204]),
    (media(duration=61.0), [1204]),
    (media(size=300_000_000), []),
    (media(size=300_000_001), [1207]),
    (media(codec="h264"), []), (media(codec="hevc"), []), (media(codec="vp8"), []),
    (media(codec="vp9"), []), (media(codec="av1"), []),
    (media(codec="prores"), [1209]), (media(codec="mjpeg"), [1209]), (media(codec="mpeg4"), [1209]),
    (media(codec=None), [1209]),                        # a codec with no name is not accepted
    (media(codec="none"), [1209]),                      # no video stream at all
    (media(codec="mjpeg", cover_art_only=True), [1209]),  # cover art is not video
    (media(fps=59.94), []),
    (media(fps=60.0), []),
    (media(fps=60.5), [1210]),
    (media(fps=10.5, declared=90000.0), []),            # VFR phone video: the average counts
    (media(codec="prores", fps=120, duration=61, audio=False), [1203, 1204, 1209, 1210]),
])
def test_akool_errors(facts: MediaFacts, codes: list[int]) -> None:
    assert errors(facts) == codes


@pytest.mark.parametrize(("facts", "rules"), [
    (media(duration=None), ["max-duration"]),
    (media(fps=None), ["max-frame-rate"]),
    (media(), []),
])
def test_unknown_values_warn(facts: MediaFacts, rules: list[str]) -> None:
    assert warnings(facts) == rules


@pytest.mark.parametrize(("fps", "rules"), [(25.0, []), (25.5, ["lipsync-frame-rate"]),
                                            (30.0, ["lipsync-frame-rate"])])
def test_lipsync_advice_is_a_warning(fps: float, rules: list[str]) -> None:
    assert errors(media(fps=fps), LIPSYNC) == []
    assert warnings(media(fps=fps), LIPSYNC) == rules


def test_messages_carry_value_and_limit_in_human_units() -> None:
    by_rule = {f.rule: f for f in evaluate(AKOOL, media(duration=61.2, size=312_400_000, fps=90))}
    assert by_rule["max-duration"].message == "61.2 s > 60 s"
    assert by_rule["max-duration"].actual == 61.2 and by_rule["max-duration"].limit == 60
    assert "312.4 MB (312,400,000 bytes = 297.9 MiB) > 300 MB" in by_rule["max-size"].message
    assert "314,572,800 bytes" in by_rule["max-size"].message    # the MiB reading is stated too
    assert by_rule["max-frame-rate"].message == "90 fps > 60 fps"
    assert all(f.hint for f in by_rule.values())


def test_unreadable_facts_get_only_the_readable_finding() -> None:
    facts = MediaFacts(path="x.mp4", source="test", problem="empty file (0 bytes)",
                       problem_kind="parse", size_bytes=0)
    findings = evaluate(AKOOL, facts)
    assert [(f.rule, f.code) for f in findings] == [("readable", 1208)]
    assert "empty file" in findings[0].message


def test_io_problem_is_not_an_api_code() -> None:
    facts = MediaFacts(path="x.mp4", source="test", problem="permission denied",
                       problem_kind="io")
    findings = evaluate(AKOOL, facts)
    assert [(f.rule, f.code, f.severity) for f in findings] == [("file-access", None, "error")]


@pytest.mark.parametrize(("facts", "doubted"), [
    (media(), []),
    (media(fps=60.058, declared=60.0), ["max-frame-rate"]),    # a phone's 4K60, just over
    (media(fps=60.0, declared=60.0), []),                      # constant 60 fps: solid
    (media(fps=60.0), ["max-frame-rate"]),                     # no declared rate (MediaInfo)
    (media(fps=1000.0, declared=60.0), ["max-frame-rate"]),     # 1 ms timestamps (MKV/FLV)
    (media(fps=10.5, declared=90000.0), []),                    # VFR phone video: solid
    (media(duration=60.02), ["max-duration"]),
    (media(duration=None), ["max-duration"]),
    (media(fps=None), ["max-frame-rate"]),
])
def test_doubts_send_borderline_readings_to_ffprobe(facts: MediaFacts, doubted: list[str]) -> None:
    assert [active.rule.id for active, _ in doubts(AKOOL, facts)] == doubted
