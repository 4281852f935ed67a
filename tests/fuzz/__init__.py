"""Fuzzing: Hypothesis tests of every parser and message handler, plus atheris targets."""
