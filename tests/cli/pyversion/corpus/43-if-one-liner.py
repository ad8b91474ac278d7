__version__ = "1.0"
if True: __version__ = "9.9.9"
