_major = "1"
__version__ = f"{_major}.0"
