"""The full-sync review: read, start, restart a line, reset."""
