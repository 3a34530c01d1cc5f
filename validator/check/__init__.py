"""Check: one input's facts judged by a profile's rules, the ``auto`` arbitration between
probes, lipsync pairs.
"""
