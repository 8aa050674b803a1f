"""Pelican glue: turn the pipeline's processed data into pages."""

from .plugin import register

__all__ = ["register"]
