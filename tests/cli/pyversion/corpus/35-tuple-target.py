__version__ = "1.0"
_, __version__ = "x", "9.9.9"
