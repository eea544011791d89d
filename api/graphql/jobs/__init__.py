"""Sync jobs: status, counters, errors and per-record outcomes."""
