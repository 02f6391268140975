"""The supervisor's workspace and the summary per office."""
