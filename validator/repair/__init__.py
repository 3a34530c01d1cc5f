"""Repair: ``fix`` plans an FFmpeg command that makes a failing file pass, runs it, and re-
checks the output.
"""
