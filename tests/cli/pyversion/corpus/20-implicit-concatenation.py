__version__ = "1.0" ".post1"
