__version__ = "1.0"


def __version__():
    return "9.9.9"
