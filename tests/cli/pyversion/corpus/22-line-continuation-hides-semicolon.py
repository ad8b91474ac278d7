__version__ = "1.0"
x = "a" \
; __version__ = "9.9.9"
