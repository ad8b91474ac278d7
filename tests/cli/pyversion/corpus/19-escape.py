__version__ = "1.0\x2e1"
