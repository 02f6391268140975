"""Use cases of the console. No Qt here: services take a Database and return frozen dataclasses."""
