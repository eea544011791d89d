"""The demo: an embedded database with sample Financials data."""
