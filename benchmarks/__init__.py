"""Benchmarks (`make bench`): time the main paths and write the results as JSON."""
