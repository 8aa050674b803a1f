"""Search: the browser index and the staff search command."""
