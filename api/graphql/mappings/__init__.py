"""Table mappings: read, change, reset."""
