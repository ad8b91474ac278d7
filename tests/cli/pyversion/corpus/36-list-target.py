__version__ = "1.0"
[__version__] = ["9.9.9"]
