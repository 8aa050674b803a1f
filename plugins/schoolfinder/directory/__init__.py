"""Directory: validate each source, match the same school across sources, merge them into one record."""
