"""A module shaped like pypiserver's `__init__.py`: imports, a chained assignment, functions
that read the version and import with `globals()`."""
import re as _re
import sys

version = __version__ = "2.0.0dev1"
__version_info__ = tuple(_re.split("[.-]", __version__))
__updated__ = "2020-10-11 11:23:15"

__title__ = "pypiserver"
__summary__ = "A minimal PyPI server for use with pip/easy_install."
__uri__ = "https://github.com/pypiserver/pypiserver"

identity = lambda x: x


def backwards_compat_kwargs(kwargs: dict, warn: bool = True) -> dict:
    return {k: v for k, v in kwargs.items() if v is not None}


def app_from_config(config):
    _app = __import__("_app", globals(), locals(), ["."], 1)
    sys.modules.pop("pypiserver._app", None)
    _app.config = config
    return _app.app


def _logwrite(logger, level, msg):
    if msg:
        line_endings = ["\r\n", "\n\r", "\n"]
        for le in line_endings:
            if msg.endswith(le):
                msg = msg[: -len(le)]
        if msg:
            logger.log(level, msg)
