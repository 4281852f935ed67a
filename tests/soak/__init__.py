"""Soak and chaos runs: `scripts/soak` (long, opt-in) and `pytest -m soak` (short)."""
