"""Output formats, by name (each formatter's module is imported when it is asked for)."""

from __future__ import annotations

import pkgutil

from validator.formatters.base import Formatter

FORMATTERS: dict[str, str] = {
    "text": "validator.formatters.text:TextFormatter",
    "json": "validator.formatters.jsonfmt:JsonFormatter",
    "jsonl": "validator.formatters.jsonfmt:JsonLinesFormatter",
    "sarif": "validator.formatters.sarif:SarifFormatter",
    "junit": "validator.formatters.junit:JunitFormatter",
    "github": "validator.formatters.github:GithubFormatter",
}


def get_formatter(name: str) -> type[Formatter]:
    """The formatter class called ``name``; an unknown name lists the valid ones."""
    try:
        where = FORMATTERS[name]
    except KeyError:
        raise ValueError(
            f"unknown format {name!r} (choose from: {', '.join(FORMATTERS)})") from None
    formatter: type[Formatter] = pkgutil.resolve_name(where)
    return formatter


__all__ = ["FORMATTERS", "Formatter", "get_formatter"]
