__version__ = "1.0"
match "9.9.9":
    case __version__:
        pass
