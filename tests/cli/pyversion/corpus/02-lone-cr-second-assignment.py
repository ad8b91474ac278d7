__version__ = "0.12.0b2"__version__ = "9.9.9"
