"""Records: the typed values every stage passes on (media facts, findings, reports) and their
JSON.
"""
