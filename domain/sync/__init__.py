"""The sync engine: one mapping, one direction, record by record, page by page."""
