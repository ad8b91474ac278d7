__version__ = "1.0"
from string import digits as __version__
