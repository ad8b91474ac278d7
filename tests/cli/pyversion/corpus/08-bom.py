"""With a byte-order mark."""
__version__ = "1.2.3"
