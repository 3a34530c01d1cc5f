"""Output formats, by name."""

from __future__ import annotations

from validator.formatters.base import Formatter
from validator.formatters.github import GithubFormatter
from validator.formatters.jsonfmt import JsonFormatter, JsonLinesFormatter
from validator.formatters.junit import JunitFormatter
from validator.formatters.sarif import SarifFormatter
from validator.formatters.text import TextFormatter

FORMATTERS: dict[str, type[Formatter]] = {
    "text": TextFormatter,
    "json": JsonFormatter,
    "jsonl": JsonLinesFormatter,
    "sarif": SarifFormatter,
    "junit": JunitFormatter,
    "github": GithubFormatter,
}


def get_formatter(name: str) -> type[Formatter]:
    """The formatter class called ``name``; an unknown name lists the valid ones."""
    try:
        return FORMATTERS[name]
    except KeyError:
        raise ValueError(
            f"unknown format {name!r} (choose from: {', '.join(FORMATTERS)})") from None


__all__ = ["FORMATTERS", "Formatter", "get_formatter"]
