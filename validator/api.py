"""The Python API: ``validate`` one file, ``validate_many`` files and folders.

>>> from validator import validate
>>> report = validate("clip.mp4")             # doctest: +SKIP
>>> report.ok, report.codes                    # doctest: +SKIP
(False, [1204])
>>> report.to_json()                           # doctest: +SKIP
'{"path":"clip.mp4","ok":false,"status":"failed",...}'

``validate`` also takes ``bytes`` or an open binary file (a web framework's
upload): see :func:`validate`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, overload

from validator.check.arbitration import AUTO
from validator.probe import check_probe
from validator.profiles.profile import DEFAULT_PROFILE, ActiveRule, Profile, load_profile
from validator.records.findings import Report
from validator.records.identity import code_identity, context_digest
from validator.rules.url_reachable import RULE as URL_REACHABLE
from validator.run.cache import ResultCache
from validator.run.discover import discover
from validator.run.memory import DEFAULT_MAX_MEMORY, set_max_memory
from validator.run.order import BATCH_SIZE, Scheduler, open_runner, schedule
from validator.run.pool import bounded_workers
from validator.run.runner import Job
from validator.run.work import DEFAULT_TIMEOUT

if TYPE_CHECKING:   # the pairs module loads when a pair is checked
    from concurrent.futures import Executor

    from validator.check.pairs import Pair, PairReport


ProfileLike = str | Path | Profile
PathLike = str | os.PathLike[str]
Source = PathLike | bytes | bytearray | memoryview | IO[bytes]
SPOOL_LIMIT = 1 << 30


def resolve_profile(profile: ProfileLike, allow_private_urls: bool = False) -> Profile:
    """A Profile from a name, a path, or a Profile (with ``allow_private_urls`` set if asked)."""
    resolved = profile if isinstance(profile, Profile) else load_profile(profile)
    return allowing_private_urls(resolved) if allow_private_urls else resolved


def allowing_private_urls(profile: Profile) -> Profile:
    """The profile with the ``url-reachable`` option ``allow_private_urls`` set: URLs whose
    host is a loopback, private or link-local address are fetched (a local test server)."""
    def allowed(active: ActiveRule) -> ActiveRule:
        if active.rule is not URL_REACHABLE:
            return active
        return active._replace(options=active.options._replace(allow_private_urls=True))

    return profile._replace(rules=tuple(allowed(active) for active in profile.rules))


@overload
def validate(path: Source, profile: ProfileLike = ...,
             probe: str = ..., timeout: float = ..., audio: None = None,
             allow_private_urls: bool = ..., spool_limit: int = ...,
             image: None = None) -> Report: ...


@overload
def validate(path: PathLike, profile: ProfileLike = ...,
             probe: str = ..., timeout: float = ...,
             *, audio: PathLike, allow_private_urls: bool = ...,
             spool_limit: int = ..., image: PathLike | None = ...) -> PairReport: ...


@overload
def validate(path: PathLike, profile: ProfileLike = ...,
             probe: str = ..., timeout: float = ..., audio: PathLike | None = ...,
             allow_private_urls: bool = ..., spool_limit: int = ...,
             *, image: PathLike) -> PairReport: ...


def validate(path: Source, profile: ProfileLike = DEFAULT_PROFILE,
             probe: str = AUTO, timeout: float = DEFAULT_TIMEOUT,
             audio: PathLike | None = None, allow_private_urls: bool = False,
             spool_limit: int = SPOOL_LIMIT, image: PathLike | None = None
             ) -> Report | PairReport:
    """Check one file and return its Report (never raises for a bad file).

    ``path`` is a file's path, an ``http(s)://`` URL, the file's ``bytes``, or
    an open binary file object (a web framework's upload, seekable or not).
    Bytes and file objects are spooled to a private temporary file that is
    removed afterwards, read from the object's current position in 1 MiB
    chunks and at most ``spool_limit`` bytes (default 1 GiB): a larger upload
    is not checked (``status`` ``not-checked``) rather than held on disk. The
    report names it by the object's ``name`` when it has one, else
    ``<bytes>`` or ``<stream>``.

    ``profile`` is a shipped profile name (``"akool"``, ``"akool-lipsync"``), a
    path to a profile TOML, or a loaded Profile; ``probe`` is ``"auto"``,
    ``"libav"``, ``"mediainfo"`` or ``"ffprobe"``. The probe runs in a child
    process limited to ``timeout`` seconds, so a hostile file cannot hang or
    crash the caller. ``path`` may be an ``http(s)://`` URL. With ``audio``
    (a lipsync pair; the default profile then is ``akool-lipsync``) or ``image``
    (a character swap: ``akool-character-swap``) it returns a
    :class:`~validator.check.pairs.PairReport`: the video's Report and the audio's
    and/or the image's, ``.ok`` when all pass; a profile that takes no such input
    raises :class:`~validator.records.errors.UsageError`. A URL whose host is a
    loopback, private or link-local address is refused (as the API would) unless
    ``allow_private_urls``.
    """
    check_probe(probe)
    if not isinstance(path, (str, os.PathLike)):
        from validator.run.spool import validate_upload

        return validate_upload(path, resolve_profile(profile), spool_limit,
                               lambda spooled, resolved: validate(spooled, resolved, probe,
                                                                  timeout))
    if audio is not None or image is not None:
        from validator.check.pairs import Pair

        pair = Pair(os.fspath(path), _fspath(audio), _fspath(image))
        return _validate_pair(pair, profile, probe, timeout, allow_private_urls)
    job = Job(resolve_profile(profile, allow_private_urls), probe, timeout)
    scheduler = Scheduler(job, open_runner(job, workers=1))
    return next(schedule(iter([os.fspath(path)]), scheduler, window=1))


def validate_many(paths: PathLike | Iterable[PathLike],
                  profile: ProfileLike = DEFAULT_PROFILE, probe: str = AUTO,
                  jobs: int | None = None, exclude: Iterable[str] = (),
                  include_hidden: bool = False, executor: Executor | None = None,
                  cache_dir: str | os.PathLike[str] | None = None,
                  gitignore: bool = False, timeout: float = DEFAULT_TIMEOUT,
                  max_memory: int | None = DEFAULT_MAX_MEMORY,
                  allow_private_urls: bool = False, force_exclude: bool = False,
                  once: bool = True) -> Iterator[Report]:
    """Check files and folders (walked for videos, and images when the profile's endpoint takes
    an image), yielding Reports in input order as they
    finish. A single path (a ``str`` or ``Path``) is one path, not an iterable of characters.

    ``jobs`` worker processes (default and most: the CPU count), or any ``executor``
    (e.g. a Dask client's). Work goes out in batches of paths with a bounded
    number in flight, so memory stays flat however many files there are; each
    file's probe is limited to ``timeout`` seconds and ``max_memory`` bytes
    (None: no bound). With ``cache_dir``, unchanged files are answered from
    the result cache. ``allow_private_urls`` as for :func:`validate`. Each file is
    checked once, however often it is named (unless not ``once``); with
    ``force_exclude``, ``exclude`` applies to the files named too, not only to those
    found in folders.
    """
    check_probe(probe)
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    resolved = resolve_profile(profile, allow_private_urls)
    items = discover((os.fspath(p) for p in paths), tuple(exclude), include_hidden, gitignore,
                     force_exclude, once, resolved.walked_extensions)
    if executor is None:
        workers = bounded_workers(jobs)
    else:
        workers = jobs if jobs is not None else (os.cpu_count() or 1)
    job = Job(resolved, probe, timeout, max_memory)
    previous = set_max_memory(max_memory)
    try:
        scheduler = Scheduler(job, open_runner(job, workers, executor),
                              cache=_open_cache(cache_dir, resolved, probe, max_memory))
        yield from schedule(items, scheduler, window=max(2, workers * 4) * BATCH_SIZE)
    finally:
        set_max_memory(previous)


def _open_cache(cache_dir: str | os.PathLike[str] | None, profile: Profile,
                probe: str, max_memory: int | None = DEFAULT_MAX_MEMORY) -> ResultCache | None:
    if cache_dir is None:
        return None
    from validator._version import __version__
    from validator.probe import fingerprint

    context = context_digest(__version__, code_identity(), profile.digest, probe,
                             fingerprint(probe), f"max_memory={max_memory}")
    return ResultCache(Path(cache_dir), context)


def _fspath(path: PathLike | None) -> str | None:
    return None if path is None else os.fspath(path)


def _pair_job(profile: ProfileLike, pairs: list[Pair],
             allow_private_urls: bool = False) -> Profile:
    """The profile a run of jobs is judged under: the default becomes the jobs' endpoint
    (akool-lipsync, akool-character-swap); one that takes none of their inputs is refused."""
    from validator.check.pairs import check_accepts, not_a_folder, pair_profile

    for pair in pairs:
        not_a_folder(pair)
    resolved = resolve_profile(pair_profile(profile, pairs), allow_private_urls)
    check_accepts(resolved, pairs)
    return resolved


def _validate_pair(pair: Pair, profile: ProfileLike, probe: str, timeout: float,
                   allow_private_urls: bool) -> PairReport:
    """Check one job: the video as the video input, the audio and image by their own rules."""
    from validator.check.pairs import PairReport, with_partner

    job = _pair_job(profile, [pair], allow_private_urls)
    video = validate(pair.video, profile=job.for_input("video"), probe=probe, timeout=timeout)
    partners = {kind: validate(path, profile=job.for_input(kind), probe=probe, timeout=timeout)
                for kind, path in pair.partners}
    audio = partners.get("audio")
    return PairReport(video=video, audio=audio and with_partner(audio, video, job),
                      image=partners.get("image"))


def check_pairs(pairs: Iterable[Pair], profile: ProfileLike = DEFAULT_PROFILE,
                probe: str = "auto", jobs: int | None = None,
                allow_private_urls: bool = False, **options: Any) -> Iterator[Report]:
    """Reports for many jobs, in order: each video's, then its audio's, then its image's.

    ``options`` go to :func:`validate_many` (``cache_dir``, ``timeout``, ...); each kind
    of input is checked by its own pool, sharing ``jobs`` workers. The profile is chosen
    and checked as :func:`validate` does for one job.
    """
    from validator.check.pairs import with_partner

    pairs = list(pairs)
    job = _pair_job(profile, pairs, allow_private_urls)
    kinds = sorted({kind for pair in pairs for kind, _ in pair.inputs})
    workers = max(1, (jobs or os.cpu_count() or 2) // len(kinds))
    streams = {kind: validate_many([path for p in pairs for k, path in p.inputs if k == kind],
                                   profile=job.for_input(kind), probe=probe, jobs=workers,
                                   once=False, **options)
               for kind in kinds}
    for pair in pairs:
        video = next(streams["video"])
        yield video
        for kind, _ in pair.partners:
            report = next(streams[kind])
            yield with_partner(report, video, job) if kind == "audio" else report
