"""The supervisor's workspace: queues with counts and the summary per office. Depends on
core, staff, refunds and appeals."""
