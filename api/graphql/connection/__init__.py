"""CRM connection setup over GraphQL (ADMIN)."""
