"""Windows line ends."""

__version__ = "1.2.3rc1"
