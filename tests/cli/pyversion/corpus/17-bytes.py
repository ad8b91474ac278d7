__version__ = b"1.0"
