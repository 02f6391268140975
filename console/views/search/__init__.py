"""The search box and its results table (workspace tab 0)."""
