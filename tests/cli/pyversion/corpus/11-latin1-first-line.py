# -*- coding: latin-1 -*-
"""Café au lait."""
__version__ = "2.0"
