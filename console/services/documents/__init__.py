"""Payment documents, their printing in batches, and the account reports."""
