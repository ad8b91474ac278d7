__version__ = "6.1"
print(__version__, file=None) if False else None
