__version__ = "1.0"
try:
    raise ValueError
except ValueError as __version__:
    pass
