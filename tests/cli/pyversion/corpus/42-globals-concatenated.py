__version__ = "1.0"
globals()["__ver" + "sion__"] = "9.9.9"
