__version__ = "1.0"
_ = f"{(__version__ := '9.9.9')}"
