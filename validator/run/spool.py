"""Uploads given as ``bytes`` or a binary file object: spooled, bounded, to a private file.

The probes read files by path (in a worker process), so an upload is copied
to a temporary file in a private folder, in 1 MiB chunks from the object's
current position, at most ``limit`` bytes; the folder is removed afterwards.
A larger upload is not checked (the limit is the caller's, not the file's).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from typing import IO

from validator.profiles.profile import Profile
from validator.records.findings import Report, printable_path
from validator.run.work import problem_report

CHUNK = 1 << 20
Upload = bytes | bytearray | memoryview | IO[bytes]


def upload_name(upload: Upload) -> str:
    """What the report calls the upload: its file name, else ``<bytes>`` or ``<stream>``."""
    if isinstance(upload, (bytes, bytearray, memoryview)):
        return "<bytes>"
    name = getattr(upload, "name", None)
    return printable_path(name) if isinstance(name, str) and name else "<stream>"


def spool(upload: Upload, target: str, limit: int) -> bool:
    """Copy the upload to ``target``; False (and a partial file) when it holds over ``limit``."""
    written = 0
    with open(target, "wb") as out:
        for chunk in _chunks(upload):
            written += len(chunk)
            if written > limit:
                return False
            out.write(chunk)
    return True


def _chunks(upload: Upload) -> Iterator[bytes]:
    if isinstance(upload, (bytes, bytearray, memoryview)):
        view = memoryview(upload).cast("B")
        for start in range(0, len(view), CHUNK):
            yield bytes(view[start:start + CHUNK])
        return
    while True:
        chunk = upload.read(CHUNK)
        if chunk is None:       # a non-blocking stream with nothing yet
            continue
        if not isinstance(chunk, (bytes, bytearray)):
            raise TypeError("validate() takes a file opened in binary mode ('rb')")
        if not chunk:
            return
        yield bytes(chunk)


def _suffix(name: str) -> str:
    suffix = os.path.splitext(name)[1]
    return suffix if suffix[1:].isalnum() and len(suffix) <= 6 else ""


def validate_upload(upload: Upload, profile: Profile, limit: int,
                    check: Callable[[str, Profile], Report]) -> Report:
    """The report for an upload, checked by ``check`` from its spooled copy."""
    name = upload_name(upload)
    with tempfile.TemporaryDirectory(prefix="media-preflight-") as folder:
        target = os.path.join(folder, "upload" + _suffix(name))
        if not spool(upload, target, limit):
            return problem_report(name, profile, "setup",
                                  f"the upload holds more than {limit:,} bytes, the limit "
                                  "validate() spools (its spool_limit); pass a path instead")
        return check(target, profile).relocated(name)
