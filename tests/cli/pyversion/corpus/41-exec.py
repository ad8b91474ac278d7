__version__ = "1.0"
exec("__version__ = '9.9.9'")
