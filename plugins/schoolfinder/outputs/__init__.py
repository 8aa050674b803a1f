"""Outputs: the processed files the site reads, open data, reports and build info."""
