#!/usr/bin/env python
# vim: set fileencoding=iso-8859-1 :
# été
__version__ = "2.0.1"
