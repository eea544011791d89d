"""Alembic environment and revisions; run on SQLite and PostgreSQL alike."""
