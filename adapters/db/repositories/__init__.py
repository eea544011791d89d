"""Repositories: every query lives here, on a session owned by the caller."""
