"""Repair: ``fix`` makes a failing file pass with one FFmpeg command, and re-checks it.

``plan`` decides (from the report and the profile), ``command`` builds the
FFmpeg arguments, ``encode`` runs, measures, corrects and publishes,
``fixer`` is one file's ``fix`` and ``batch`` is ``fix_many`` over files and
folders. The CLI text lives in :mod:`validator.cli.fix_run`.
"""
