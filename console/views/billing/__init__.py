"""Closing a billing period from the Office menu."""
