def bump():
    globals()["__ver" + "sion__"] = "9.9.9"


__version__ = "1.0"
bump()
