"""The pre-commit hooks on values: generated from the catalog, one per shipped profile, and a
files pattern that takes media in any case and nothing else."""

from __future__ import annotations

import re

import pytest
import yaml

from tests.conftest import REPO
from validator.profiles.catalog import HOOKS, files_regex, hooks_yaml
from validator.profiles.profile import load_profile, shipped_profiles
from validator.run.discover import MEDIA_EXTENSIONS

HOOKS_FILE = REPO / ".pre-commit-hooks.yaml"


def test_hooks_file_is_the_catalog_generated() -> None:
    assert HOOKS_FILE.read_text(encoding="utf-8") == hooks_yaml(), \
        "run: python -m validator.profiles.catalog > .pre-commit-hooks.yaml"


def test_one_hook_per_shipped_profile() -> None:
    hooks = yaml.safe_load(HOOKS_FILE.read_text(encoding="utf-8"))
    assert [hook["id"] for hook in hooks] == [hook.id for hook in HOOKS]
    assert {hook.profile for hook in HOOKS} == set(shipped_profiles())
    by_id = {hook["id"]: hook for hook in hooks}
    by_hook = {hook.id: hook for hook in HOOKS}
    assert by_id["media-preflight"]["entry"] == "media-preflight check --force-exclude"
    assert by_id["media-preflight-lipsync"]["entry"] == \
        "media-preflight check --force-exclude --profile akool-lipsync"
    assert by_id["media-preflight-lipsync"]["files"] == files_regex(audio=True)
    for hook in HOOKS:
        expected_id = {"akool": "media-preflight", "akool-lipsync": "media-preflight-lipsync"}.get(
            hook.profile, f"media-preflight-{hook.profile}")
        assert hook.id == expected_id
    for hook in hooks:
        assert hook["language"] == "python" and hook["types"] == ["binary"]
        assert hook["entry"].startswith("media-preflight check --force-exclude")
        assert hook["require_serial"] is False
        if hook["id"] != "media-preflight-lipsync":
            profile = load_profile(by_hook[hook["id"]].profile)
            assert hook["files"] == files_regex(walked=profile.walked_extensions)
            assert hook["entry"] in ("media-preflight check --force-exclude",
                                     "media-preflight check --force-exclude --profile "
                                     + hook["id"].removeprefix("media-preflight-"))


def test_only_the_lipsync_hook_takes_audio() -> None:
    assert re.search(files_regex(audio=True), "voice.M4A")
    assert re.search(files_regex(audio=True), "clip.mp4")
    assert not re.search(files_regex(), "voice.m4a")
    assert [hook.id for hook in HOOKS if hook.audio] == ["media-preflight-lipsync"]


@pytest.mark.parametrize("name", ["clip.mp4", "CLIP.MP4", "a/b/Take 2.MoV", "x.webm", "y.M2TS"])
def test_files_regex_takes_media_in_any_case(name: str) -> None:
    assert re.search(files_regex(), name)


@pytest.mark.parametrize("name", ["notes.txt", "clip.mp4.txt", "mp4", "clip.mp4/readme.md"])
def test_files_regex_leaves_other_files(name: str) -> None:
    assert not re.search(files_regex(), name)


def test_files_regex_covers_every_extension_the_walk_takes() -> None:
    for extension in MEDIA_EXTENSIONS:
        assert re.search(files_regex(), "a" + extension.upper()), extension


@pytest.mark.parametrize(("hook_id", "picks_images"), [
    ("media-preflight", False), ("media-preflight-tiktok", False),
    ("media-preflight-akool-character-swap", True),
    ("media-preflight-akool-character-swap-kling", True)])
def test_hooks_of_endpoints_taking_an_image_pick_images(hook_id: str, picks_images: bool) -> None:
    [files] = [hook["files"] for hook in yaml.safe_load(HOOKS_FILE.read_text(encoding="utf-8"))
               if hook["id"] == hook_id]
    for name in ("face.PNG", "face.jpg", "face.jpeg", "face.webp"):
        assert bool(re.search(files, name)) is picks_images, name
    assert re.search(files, "clip.MP4")
