"""The Akool API's error codes that the rules predict: the API's words and ours."""

from __future__ import annotations

API_CODES: dict[int, str] = {
    1008: "the content you get does not exist",
    1203: "video should be with audio",
    1204: "video duration exceeds 60 s",
    1207: "video exceeds the 300M size limit",
    1208: "video parsing error",
    1209: "upload a video in another encoding format",
    1210: "video exceeds 60 fps",
}

# Short phrases for summaries: "12 files over 60 s (1204)".
SUMMARY_PHRASES: dict[int, str] = {
    1008: "whose URL does not exist",
    1203: "without audio",
    1204: "too long",
    1207: "too large",
    1208: "that FFmpeg cannot parse",
    1209: "in a format the API does not take",
    1210: "over the frame-rate limit",
}
