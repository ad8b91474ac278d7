__version__ = "1.0"
for __version__ in ["9.9.9"]:
    pass
