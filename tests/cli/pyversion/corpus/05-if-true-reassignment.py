__version__ = "0.12.0b2"
if True:
    __version__ = "9.9.9"
