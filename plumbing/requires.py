"""One line, not a traceback, when a package of requirements.txt is missing.

An entry script calls require() before it imports anything that needs the packages:

    from plumbing import requires
    requires.require('numpy', 'matplotlib')
"""
import importlib
import os
import sys


def require(*packages):
    """Import each package; if one cannot be, say which and how to install it, and exit 2."""
    for name in packages:
        try:
            importlib.import_module(name)
        except ImportError as e:
            # a package found but broken (a missing dependency of its own) is named as it is
            problem = ('{} is not installed for {}'.format(e.name, sys.executable)
                       if isinstance(e, ModuleNotFoundError) and e.name else
                       '{} cannot be imported ({})'.format(name, e))
            print('{}: error: {}; run: make .venv && . .venv/bin/activate (or python3 -m pip '
                  'install -r requirements.txt in a virtual environment)'.format(
                      os.path.basename(sys.argv[0]), problem), file=sys.stderr)
            sys.exit(2)
