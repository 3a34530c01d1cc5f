"""Shared by every test: where the media is, and the guarantee that tests never change it.

``tests/unit`` holds specifications of pure functions on values (facts, reports,
profiles); ``tests/acceptance`` runs real media through the real API and CLI
(the CLI through :func:`tests.helpers.cli`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures"
# The public samples and schemas beside the repository; MEDIA_PREFLIGHT_SHARED names them when
# this copy is elsewhere (a git worktree, say).
SHARED = Path(os.environ.get("MEDIA_PREFLIGHT_SHARED") or REPO.parent / "shared")
REALWORLD = SHARED / "realworld"
SARIF_SCHEMA = SHARED / "schemas" / "sarif-schema-2.1.0.json"
SCHEMAS = SHARED / "schemas"
FIXTURE_EXPECTED = json.loads((FIXTURES / "expected.json").read_text())["files"]


def _ffmpeg() -> str | None:
    """FFmpeg to make test clips: the one on PATH, else imageio-ffmpeg's (a test extra)."""
    found = shutil.which("ffmpeg")
    if found is not None:
        return found
    try:
        import imageio_ffmpeg
    except ImportError:
        return None
    try:
        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except RuntimeError:
        return None


FFMPEG = _ffmpeg()
HAS_FFMPEG = FFMPEG is not None
HAS_FFPROBE = shutil.which("ffprobe") is not None
FFPROBE_REASON = "needs a reference ffprobe on PATH (FFmpeg's command-line prober)"

# Inside GitHub Actions `--format auto` means annotations; the tests (and the CLI processes they
# start, which inherit this environment) expect auto to mean text unless a test sets it.
os.environ.pop("GITHUB_ACTIONS", None)

needs_ffprobe = pytest.mark.skipif(not HAS_FFPROBE, reason=FFPROBE_REASON)
needs_ffmpeg = pytest.mark.skipif(not HAS_FFMPEG, reason="needs ffmpeg to make clips "
                                  "(on PATH, or `pip install imageio-ffmpeg`)")
needs_realworld = pytest.mark.skipif(
    not (REALWORLD / "expected.json").is_file(),
    reason=f"no realworld corpus at {REALWORLD} (set MEDIA_PREFLIGHT_SHARED)")


def sarif_errors(log: dict[str, Any]) -> list[str]:
    """What is wrong with a SARIF log by the SARIF 2.1.0 schema, URI formats checked."""
    schema_file = SCHEMAS / "sarif-schema-2.1.0.json"
    if not schema_file.is_file():
        pytest.skip(f"the SARIF 2.1.0 schema is not at {schema_file} (../shared/schemas)")
    from jsonschema import FormatChecker
    from jsonschema.validators import validator_for

    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    validator = validator_for(schema)(schema, format_checker=FormatChecker())
    return [error.message for error in validator.iter_errors(log)]


def fixture_path(name: str) -> Path:
    """A fixture by its name in fixtures/expected.json, e.g. 'fail/dur_61.mp4'."""
    return FIXTURES / name


def sarif_validator() -> Any:
    """A validator for the SARIF 2.1.0 schema with URI format checking on (skips without it)."""
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"the SARIF 2.1.0 schema is not at {SARIF_SCHEMA} (MEDIA_PREFLIGHT_SHARED)")
    from jsonschema import FormatChecker
    from jsonschema.validators import validator_for

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    checker = FormatChecker()
    assert {"uri", "uri-reference"} <= set(checker.checkers), \
        "URI formats are not checked: pip install rfc3986-validator (in the test extra)"
    return validator_for(schema)(schema, format_checker=checker)


@pytest.fixture
def without_ffprobe(monkeypatch: pytest.MonkeyPatch) -> None:
    """Behave as on a machine with no ffprobe binary."""
    monkeypatch.setenv("MEDIA_PREFLIGHT_FFPROBE", "")


def _snapshot(roots: list[Path]) -> dict[str, tuple[str, int]]:
    state = {}
    for root in roots:
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.is_symlink():
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                state[str(path)] = (digest, path.stat().st_mtime_ns)
    return state


@pytest.fixture(scope="session", autouse=True)
def private_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """CLI runs in tests keep their result cache in a temporary folder, not the user's."""
    previous = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    yield
    if previous is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = previous


@pytest.fixture(scope="session", autouse=True)
def inputs_are_never_modified() -> Iterator[None]:
    """Across the whole suite, the bytes and mtimes of every input media file stay the same."""
    roots = [FIXTURES / "pass", FIXTURES / "fail", FIXTURES / "limits", REALWORLD / "files"]
    before = _snapshot(roots)
    yield
    after = _snapshot(roots)
    changed = sorted(p for p in before if before[p] != after.get(p))
    assert not changed, f"tests modified input media: {changed}"


def env_without_ffprobe() -> dict[str, str]:
    """An environment for CLI subprocesses that hides ffprobe."""
    return {**os.environ, "MEDIA_PREFLIGHT_FFPROBE": ""}


@contextmanager
def serving(server: socketserver.BaseServer) -> Iterator[None]:
    """Run a socket server on 127.0.0.1 in a thread for the block, then shut it down."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
