__version__ = r"1.0rc1"
