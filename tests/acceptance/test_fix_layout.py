"""The wiring issue 12 asks of fix, the URL reader and the cache: light output imports, limits
said once, cached reports written as the JSON they were stored as."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, fixture_path
from validator import load_profile, validate
from validator.check.remote import limits_for
from validator.records.findings import StoredReport, report_json
from validator.rules.url_reachable import Options as ReachableOptions
from validator.rules.url_read_limit import Options as ReadLimitOptions
from validator.run.cache import ResultCache, file_key


def test_the_text_output_imports_no_repair_code_nor_pydantic() -> None:
    probe = ("import sys, validator.output.text; "
             "print(sorted(m for m in sys.modules if m.startswith(('validator.repair', "
             "'pydantic', 'httpx'))))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            cwd=REPO, timeout=60, check=True)
    assert result.stdout.strip() == "[]"


def test_url_limits_come_from_the_url_rules_options(tmp_path: Path) -> None:
    off = tmp_path / "off.toml"
    off.write_text('extends = "akool"\n[rules.url-reachable]\nenabled = false\n'
                   "[rules.url-read-limit]\nenabled = false\n")
    defaults = limits_for(load_profile(off))
    assert (defaults.connect_timeout_s, defaults.read_timeout_s, defaults.max_redirects,
            defaults.allow_private_urls) == tuple(ReachableOptions())
    assert (defaults.max_bytes, defaults.max_seconds) == tuple(ReadLimitOptions())
    tight = tmp_path / "tight.toml"
    tight.write_text('extends = "akool"\n[rules.url-read-limit]\nmax_seconds = 3\n')
    assert limits_for(load_profile(tight)).max_seconds == 3


def test_a_cached_report_is_written_as_the_json_it_was_stored_as(tmp_path: Path) -> None:
    path = str(fixture_path("fail/dur_61.mp4"))
    key = file_key(path)
    assert key is not None
    fresh = validate(path)
    cache = ResultCache(tmp_path, "context")
    cache.put(key, fresh)
    cache.flush()
    stored = cache.get(key)
    cache.close()
    assert isinstance(stored, StoredReport) and stored == fresh
    assert report_json(stored) is stored.json_text and stored.json_text == report_json(fresh)
    moved = stored.relocated("elsewhere.mp4")
    assert '"path":"elsewhere.mp4"' in report_json(moved)
