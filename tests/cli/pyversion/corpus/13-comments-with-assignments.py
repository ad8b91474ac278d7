# __version__ = "9.9.9"
__version__ = "1.0"  # __version__ = "8.8.8"
#__version__ = "7"
