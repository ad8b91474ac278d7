"""Sections."""

__version__ = "3.0"
