"""A result cache, so re-running on unchanged files (pre-commit, CI) costs a lookup, not a probe.

One SQLite file (WAL mode: two runs at once are safe) under the user cache
directory. An entry is keyed by the resolved path and checked against the
file's size, mtime_ns, ctime_ns and inode (a file edited in place with its
size and mtime put back still has a new ctime); the run's *context* (tool
version, profile content, probe choice and the installed backends) is part of
the key, so a new profile or a new FFmpeg never reuses an old verdict. A
corrupt or foreign cache file is moved aside (to one ``.corrupt`` file) and
rebuilt; a cache that cannot be written (a full disk, a lock) is left as it
is and the run goes on without it; an entry that does not parse is a miss.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import stat
import sys
from pathlib import Path
from typing import NamedTuple

from validator.records.data import display_text
from validator.records.findings import Report, StoredReport, report_json

_SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    context TEXT NOT NULL,
    path BLOB NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    ctime_ns INTEGER NOT NULL,
    inode INTEGER NOT NULL,
    report TEXT NOT NULL,
    PRIMARY KEY (context, path)
)
"""
_FILE_NAME = "results-v3.sqlite3"
_CORRUPTION = frozenset({11, 26})   # SQLITE_CORRUPT, SQLITE_NOTADB
_FLUSH_EVERY = 256


class FileKey(NamedTuple):
    """What must be unchanged for a cached verdict to hold (the path as raw bytes)."""

    path: bytes
    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int


def default_cache_dir() -> Path:
    """The user cache directory for media-preflight ($XDG_CACHE_HOME on Linux)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("media-preflight", appauthor=False))


def file_key(path: str) -> FileKey | None:
    """The cache key of a regular file, or None (missing, special, unreadable: never cached)."""
    try:
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            resolved = os.path.realpath(path)
            st = os.stat(path)
        else:   # resolve the folder once, not every file in it
            absolute = os.path.abspath(path)
            resolved = os.path.join(_real_folder(os.path.dirname(absolute)),
                                    os.path.basename(absolute))
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(st.st_mode) or not os.access(path, os.R_OK):
        return None
    return FileKey(os.fsencode(resolved), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


@functools.lru_cache(maxsize=4096)
def _real_folder(folder: str) -> str:
    return os.path.realpath(folder)




class ResultCache:
    """Look up and store Reports for unchanged files in one context."""

    def __init__(self, directory: Path, context: str) -> None:
        self.context = context
        self.file = directory / _FILE_NAME
        self._pending: list[tuple[str, bytes, int, int, int, int, str]] = []
        self._db: sqlite3.Connection | None = self._open(directory)

    def _open(self, directory: Path) -> sqlite3.Connection | None:
        try:
            directory.mkdir(parents=True, exist_ok=True)
            return self._connect()
        except sqlite3.DatabaseError as exc:
            if _corrupt(exc):
                return self._rebuild()
            _warn(f"result cache not used this run: {self.file}: {exc}")
            return None
        except OSError as exc:
            _warn(f"result cache disabled: {directory}: {exc.strerror or exc}")
            return None

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.file, timeout=10, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute(_SCHEMA)
        db.execute("SELECT count(*) FROM results WHERE 0").fetchone()
        return db

    def _rebuild(self) -> sqlite3.Connection | None:
        """Move a corrupt or foreign file aside (replacing the last one moved) and start
        afresh."""
        aside = self.file.with_name(f"{self.file.name}.corrupt")
        try:
            os.replace(self.file, aside)
            for suffix in ("-wal", "-shm"):
                Path(f"{self.file}{suffix}").unlink(missing_ok=True)
            _warn(f"result cache was unreadable; moved it to {aside} and started a new one")
            return self._connect()
        except (OSError, sqlite3.DatabaseError) as exc:
            _warn(f"result cache disabled: {self.file}: {exc}")
            return None

    def get(self, key: FileKey) -> Report | None:
        """The cached report for an unchanged file, else None."""
        if self._db is None:
            return None
        try:
            row = self._db.execute(
                "SELECT size, mtime_ns, ctime_ns, inode, report FROM results "
                "WHERE context=? AND path=?", (self.context, key.path)).fetchone()
        except sqlite3.DatabaseError as exc:
            self._db = self._rebuild() if _corrupt(exc) else None
            return None
        if row is None or tuple(row[:4]) != key[1:]:
            return None
        try:
            return StoredReport.from_json(row[4])
        except (ValueError, TypeError, KeyError, AttributeError):
            return None

    def put(self, key: FileKey, report: Report) -> None:
        """Remember a report (written in batches; ``close`` writes the rest)."""
        if self._db is None:
            return
        self._pending.append((self.context, *key, report_json(report)))
        if len(self._pending) >= _FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        """Write the pending entries in one transaction."""
        if self._db is None or not self._pending:
            return
        rows, self._pending = self._pending, []
        try:
            with self._db:
                self._db.execute("BEGIN")
                self._db.executemany(
                    "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        except sqlite3.DatabaseError as exc:
            _warn(f"result cache not updated: {exc}")

    def close(self) -> None:
        """Flush and close."""
        self.flush()
        if self._db is not None:
            self._db.close()
            self._db = None


def _corrupt(exc: sqlite3.DatabaseError) -> bool:
    """Whether SQLite says the file is damaged or is no database (not: full, locked,
    read-only, which leave a good cache as it is)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:
        return type(exc) is sqlite3.DatabaseError
    return code & 0xFF in _CORRUPTION


def _warn(message: str) -> None:
    print(f"media-preflight: warning: {display_text(message)}", file=sys.stderr)
