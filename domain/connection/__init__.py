"""CRM connection setup (DOMAIN.md "Connection setup")."""
