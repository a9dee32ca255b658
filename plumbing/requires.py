"""One line, not a traceback, when a package of requirements.txt is missing.

`import plumbing` checks numpy; plumbing.plotting checks matplotlib. Each entry script imports
from plumbing before anything that needs the packages (numpy, nn), so one line names what is
missing and how to install it.
"""

import importlib
import os
import sys


def require(name):
    """The module `name`, imported; if it cannot be, say which package and how to install it,
    and exit 2."""
    try:
        return importlib.import_module(name)
    except ImportError as e:
        # a package found but broken (a missing dependency of its own) is named as it is
        problem = (
            f'{e.name} is not installed for {sys.executable}'
            if isinstance(e, ModuleNotFoundError) and e.name
            else f'{name} cannot be imported ({e})'
        )
        print(
            f'{os.path.basename(sys.argv[0])}: error: {problem}; run: make .venv && '
            '. .venv/bin/activate (or python3 -m pip install -r requirements.txt in a virtual '
            'environment)',
            file=sys.stderr,
        )
        sys.exit(2)
