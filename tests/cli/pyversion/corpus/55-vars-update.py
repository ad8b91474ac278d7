__version__ = "1.0"
vars().update(__version__="9.9.9")
