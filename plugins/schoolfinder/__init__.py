"""School-finder data pipeline: raw exports in, one processed directory out. Never imports Pelican."""

__version__ = "0.1.0"
