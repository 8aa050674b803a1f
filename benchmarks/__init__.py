"""Benchmarks, outside the importable packages: `make bench` runs them from the repository root."""
