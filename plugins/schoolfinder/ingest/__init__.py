"""Ingest: read the raw tables, directory sources and GTFS archives a city names in its config."""
