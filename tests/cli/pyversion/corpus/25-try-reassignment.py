__version__ = "1.0"
try:
    __version__ = "9.9.9"
except Exception:
    pass
