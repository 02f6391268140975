"""Meter readings: the state entry needs, the checks as typed, storing once, meter replacement
and importing inspectors' files. Depends on core, staff and billing."""
