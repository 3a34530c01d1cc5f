"""Profiles: loading the TOML profiles, validating them (pydantic), and the catalog behind the
pre-commit hooks.
"""
