version = __version__ = "2.0.0.dev1"
__version_info__ = tuple(
    int(p) if p.isdigit() else p for p in __version__.split(".")
)
