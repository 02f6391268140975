"""Money in: the counter payment taken exactly once, its split over services, reversals, the bank
registry and the payment history. Depends on core, staff and billing."""
