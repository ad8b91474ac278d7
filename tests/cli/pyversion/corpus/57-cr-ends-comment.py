__version__ = "1.0"
# a comment__version__ = "9.9.9"
