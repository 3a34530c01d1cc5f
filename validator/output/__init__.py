"""Output formats, by name (each formatter's module is imported when it is asked for)."""

from __future__ import annotations

import pkgutil
from typing import TYPE_CHECKING

from validator.records.errors import UsageError

if TYPE_CHECKING:   # the command line lists the names without loading the formatters
    from validator.output.base import Formatter

FORMATTERS: dict[str, str] = {
    "text": "validator.output.text:TextFormatter",
    "json": "validator.output.jsonfmt:JsonFormatter",
    "jsonl": "validator.output.jsonfmt:JsonLinesFormatter",
    "sarif": "validator.output.sarif:SarifFormatter",
    "junit": "validator.output.junit:JunitFormatter",
    "github": "validator.output.github:GithubFormatter",
    "markdown": "validator.output.summary:MarkdownFormatter",
    "html": "validator.output.html:HtmlFormatter",
}


class UnknownFormat(UsageError):
    """A format name that is not in the registry."""


def get_formatter(name: str) -> type[Formatter]:
    """The formatter class called ``name``; an unknown name lists the valid ones."""
    try:
        where = FORMATTERS[name]
    except KeyError:
        raise UnknownFormat(
            f"unknown format {name!r} (choose from: {', '.join(FORMATTERS)})") from None
    formatter: type[Formatter] = pkgutil.resolve_name(where)
    return formatter


__all__ = ["FORMATTERS", "UnknownFormat", "get_formatter"]
