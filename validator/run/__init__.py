"""Run: discovery of files in folders, batches in worker processes under time limits, the
result cache, clusters.
"""
