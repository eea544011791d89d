"""Starting, canceling and steering sync jobs."""
