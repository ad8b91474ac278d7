__version__ = "1.0"
ALIAS = __ｖersion__
