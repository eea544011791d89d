"""Table and field mappings: what syncs where, in which direction, through which transform."""
