"""Couplings: read, couple by hand, uncouple, match-based coupling."""
