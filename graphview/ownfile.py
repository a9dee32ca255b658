"""The graph that a student's own Python file builds, for ./showgraph.py mygraph.py:

    graph, names, loss = load('mygraph.py')

The file runs as `python3 mygraph.py` would run it, as __main__ with its own folder first on
sys.path, and with the project's folder there too, so that `import nn` works from anywhere. Its
graph is the Graph in its global `g`, else the last Graph among its globals; a node's name is the
first global variable that refers to it. Its loss is the one the file gave nn.backward last (as
backward(g, loss)), else the last node. What the file prints goes to stderr, so that the output
of --dot stays DOT. An error in the file is one line: the file, the line and the error's message.
"""

import contextlib
import os
import runpy
import sys
import traceback

from plumbing.errors import UserError

import checks
import nn

PROJECT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load(path):
    """(graph, {node: name}, loss) of the graph that the Python file `path` builds, loss the node
    that the file gave nn.backward or None; UserError if it cannot be run, fails or builds no
    graph."""
    if not os.path.isfile(path):
        raise UserError(f'{path}: no such file')
    saved = sys.path[:], sys.argv[:]
    sys.path[:0] = [os.path.dirname(os.path.abspath(path)), PROJECT]
    sys.argv = [path]  # the file sees its own name, and none of showgraph's options
    losses, backward = {}, nn.backward

    def watched(graph, loss=None):  # the file's own backward: which loss it asked for
        losses[id(graph)] = loss
        return backward(graph, loss)

    nn.backward = watched  # for the file's `from nn import *` as much as for nn.backward(...)
    try:
        with contextlib.redirect_stdout(sys.stderr):
            found = runpy.run_path(path, run_name='__main__')
    except SystemExit as e:  # runpy returns the file's globals only if it runs to its end
        raise UserError(
            f'{where(e, path)}: exited (sys.exit({e.code!r})) before its end, where its graph is '
            'taken; leave sys.exit out'
        ) from None
    except Exception as e:  # whatever the file raises is the student's: told in one line
        raise UserError(f'{where(e, path)}: {message(e)}') from None
    finally:
        sys.path[:], sys.argv = saved
        nn.backward = backward
    graph = found.get('g')
    if not isinstance(graph, nn.Graph):
        graphs = [v for v in found.values() if isinstance(v, nn.Graph)]
        if not graphs:
            raise UserError(
                f'{path}: builds no graph: no global variable holds an nn.Graph '
                '(g = nn.Graph(), at the top level of the file)'
            )
        graph = graphs[-1]
    names = {}
    for name, v in found.items():
        if (
            isinstance(v, nn.ComputeNode)
            and checks.in_graph(graph, v)
            and not name.startswith('_')
        ):
            names.setdefault(v, name)
    return graph, names, losses.get(id(graph))


def where(error, path):
    """'mygraph.py, line 7': the last line of the file `path` that the error passed through (of
    a syntax error, the line where it is); the file alone if none."""
    line = None
    if isinstance(error, SyntaxError) and same_file(error.filename or '', path):
        line = error.lineno
    for place in traceback.extract_tb(error.__traceback__):  # Python's own record of the error
        if same_file(place.filename, path):
            line = place.lineno
    return path if line is None else f'{path}, line {line}'


def message(error):
    """'ValueError: the message', on one line."""
    text = error.msg if isinstance(error, SyntaxError) else str(error)
    text = ' '.join(text.split())
    return type(error).__name__ + (': ' + text if text else '')


def same_file(a, b):
    """Whether two names are of the same file."""
    return os.path.abspath(a) == os.path.abspath(b)
