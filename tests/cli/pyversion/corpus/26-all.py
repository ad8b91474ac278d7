__all__ = ["__version__", "main"]
__version__ = "0.3.0"


def main():
    return __version__
