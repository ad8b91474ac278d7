__version__ = "1.0"
f = lambda __version__="9": __version__
