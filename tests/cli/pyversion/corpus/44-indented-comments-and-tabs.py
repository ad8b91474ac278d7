# top
    # an indented comment

__version__ = "3.0"
	# a tab comment

