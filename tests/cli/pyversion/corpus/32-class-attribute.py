class Meta:
    __version__ = "9.9.9"


__version__ = "1.0"
