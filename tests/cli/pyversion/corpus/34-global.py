__version__ = "1.0"


def bump():
    global __version__
    __version__ = "9.9.9"


bump()
