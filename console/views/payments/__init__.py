"""Taking a payment (F9), reversals, the office day's closing and the payments plugin."""
