"""Billing periods and the billing run: the rules (Постановление № 354), tariffs and norms, the
Python and SQL paths, statements, and which month is open. Depends on core and staff."""
