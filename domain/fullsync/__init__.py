"""Full synchronization: a review line per mapping, run as a dependency DAG (BC ref §5)."""
