"""Profiles and settings files: loading the TOML profiles and ``[tool.media-preflight]``,
validating them once (pydantic, remembered by content), and the catalog behind the
pre-commit hooks.
"""
