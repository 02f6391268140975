"""The one search box: what the clerk typed, the SQL that finds accounts, and the search's own
connection. Depends on core, staff and privacy (passport search)."""
