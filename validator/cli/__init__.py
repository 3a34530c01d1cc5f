"""The command line: entry point, click commands, settings from flags and pyproject.toml,
progress.
"""
