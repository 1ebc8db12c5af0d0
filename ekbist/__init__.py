"""ekbist: the working data of an ekonomiskt bistånd unit in one SQLite file.

The package is the library; the command line lives in ``ekbist.commands``.
Nothing here is imported eagerly so that ``ekbist --version`` stays fast.
"""

__version__ = "0.1.0"
