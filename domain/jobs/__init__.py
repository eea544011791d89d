"""Sync jobs: what runs in the background, its status, counters and errors."""
