__version__ = R"2.0"
