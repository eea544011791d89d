"""The Financials part of the schema, generated from `domain/financials/tables.py`:
one record type, input, payload, list query, single query, upsert and delete
per table, so the API can never disagree with the table declarations."""
