"""Sign-in, the lock screen, the supervisor's approval box and the audit journal."""
