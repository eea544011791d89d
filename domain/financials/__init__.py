"""The embedded ERP ("Financials"): its tables as data, their rules, and the
service that reads and writes them through the `ErpStore` port."""
