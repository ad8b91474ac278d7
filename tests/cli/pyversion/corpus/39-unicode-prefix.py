__version__ = u'1.4.1'
