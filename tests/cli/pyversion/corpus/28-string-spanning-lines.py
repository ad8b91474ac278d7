NOTE = """
__version__ = "9.9.9"
"""
__version__ = "5.0"
OTHER = '''
__version__ = "8"'''
