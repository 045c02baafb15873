"""Sciatica Coach: self-management support for sciatica, guided rep by rep."""

__version__ = "0.1.0"
