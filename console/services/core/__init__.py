"""The floor every domain stands on: the database and its transactions, errors a person reads,
how numbers, money, dates and addresses are written, the Russian words of every stored code
(labels), normalised search text, gap-free numbers, the schema, reference data and the checks
of typed numbers. Depends on nothing but models."""
