"""Ratings: results per school and year, tiers, and the grade vocabulary."""
