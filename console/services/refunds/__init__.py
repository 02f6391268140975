"""Refund applications (возврат переплаты): registration at the counter and the dual-control
review, and reading them back. Depends on core, staff, privacy, billing and payments."""
