"""__version__ = "0.12.0b2" is where the version lives."""
__version__ = "0.13.0.dev1"
