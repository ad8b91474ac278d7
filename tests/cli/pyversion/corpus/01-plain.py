"""A module."""

__version__ = "0.12.0b2"
