class C:
    def __enter__(self):
        return "9.9.9"

    def __exit__(self, *exc):
        return False


__version__ = "1.0"
with C() as __version__:
    pass
