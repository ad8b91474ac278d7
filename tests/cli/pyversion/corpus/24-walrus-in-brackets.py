__version__ = "1.0"
xs = [
    (__version__ := "9.9.9"),
]
