"""Registering customers with a passport, binding them to accounts, and changing them later.
Depends on core, staff and privacy."""
