"""Couplings: which ERP record is which CRM row, made by hand, by matching, or by creating."""
