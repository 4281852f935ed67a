"""Benchmarks for scripts/bench; each prints figures as ratios against a same-run baseline."""
