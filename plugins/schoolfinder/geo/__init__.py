"""Geo: neighborhoods, population per area, and the static SVG shapes."""
