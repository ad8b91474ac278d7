x = 1 + \
    2
__version__ = \
    "3.1"
