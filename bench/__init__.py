"""``make bench``: the services served the production way, measured beside two baselines.

Run with ``python -m bench`` from the repository root; BENCHMARKS.md says what it
measures and what the last run found.
"""
