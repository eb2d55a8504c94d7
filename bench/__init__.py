"""Benchmarks: ``python -m bench`` (full, writes BENCHMARKS.md) and ``python -m bench --quick`` (CI).

Every figure is a ratio (or an absolute time where the target is one) measured in the same
run, as the median of several repeats, because the machines these run on are noisy.
"""
