__version__ = "1.0"
del __version__
__version__ = "2.0"
