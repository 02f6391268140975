"""Refund applications: registering, reviewing, the card's tab and the supervisor's queue."""
