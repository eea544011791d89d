"""Helpers of bench/availability.py (a package, so `make bench` does not run them as scripts)."""
