"""Read media files with the libav backend of this checkout under whatever PyAV (and so
whatever FFmpeg release) the running interpreter has; print one JSON object of facts.

Run by the fidelity matrix in throw-away virtualenvs that hold only one PyAV wheel:
``python reader.py REPO FILE...``. Only the probe and records stages are imported, which
need nothing but PyAV.
"""

import json
import sys

# FFmpeg releases by libavformat (major, minor), from FFmpeg's release notes
FFMPEG_RELEASES = {(59, 27): "5.1", (60, 3): "6.0", (60, 16): "6.1", (61, 1): "7.0",
                   (61, 7): "7.1", (62, 3): "8.0", (62, 12): "8.1"}


def main() -> None:
    repo, paths = sys.argv[1], sys.argv[2:]
    sys.path.insert(0, repo)
    import av

    from validator.probe.base import read_facts
    from validator.probe.libav import LibavBackend
    from validator.records.data import to_data

    backend = LibavBackend()
    major, minor, micro = av.library_versions["libavformat"]
    readings = {path: to_data(read_facts(path, backend)) for path in paths}
    json.dump({"pyav": av.__version__, "libavformat": f"{major}.{minor}.{micro}",
               "ffmpeg": FFMPEG_RELEASES.get((major, minor), f"{major}.{minor} (libavformat)"),
               "readings": readings}, sys.stdout)


if __name__ == "__main__":
    main()
