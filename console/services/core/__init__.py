"""The floor every domain stands on: the database and its transactions (with read replicas and
the search box's own connection), errors a person reads, how numbers, money, dates and
addresses are written, normalised search text, gap-free numbers, the schema, reference data,
the checks of typed numbers, metered volumes and stored moments. Depends on nothing but models."""
