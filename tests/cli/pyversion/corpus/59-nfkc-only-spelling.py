__ｖersion__ = "6.0"
