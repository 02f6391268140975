"""The ККТ emulator fixture lives in tests/conftest.py (the cash desk uses it too)."""
