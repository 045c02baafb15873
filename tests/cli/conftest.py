"""Fixtures for the command-line tests: `invoke` (the real `sciatica-coach` app against a fresh test database) now
lives in `tests/conftest.py`, shared with the safety tests."""
