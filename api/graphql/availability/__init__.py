"""Availability and prices for CRM sales lines (AVAILABILITY role)."""
