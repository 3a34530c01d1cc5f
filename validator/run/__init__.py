"""Run: discovery of files in folders (``discover``), reports in input order (``order``) from a
runner (``runner``: the local ``pool``, the start-up ``prefork`` worker, an executor such as
``cluster``'s), all forked children built on ``forked``, the result cache (``cache``).
"""
