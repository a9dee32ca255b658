"""What the scripts share and a student need not read: each module does one thing.

errors     a user's mistake ends a script with one line on stderr, not a traceback; so does Ctrl-C
options    the command lines (argparse)
paramfile  parameter files: read, checked, written with the record of how they were made
atomic     writing a file whole or not at all
dataset    the shuffled training samples of an epoch, the test set, the dev split
logs       the losses printed during training, checked; reading logs and other text files back
progress   samples done and time left, on a terminal
plotting   matplotlib, drawing into files
requires   one line, not a traceback, when numpy or matplotlib is missing
"""

from plumbing import errors
from plumbing.requires import require

# Before numpy, whose import is much of a short script's time: Ctrl-C then is one line too.
if errors.running_a_script():  # not in the tests, nor in a notebook that imports gradcheck
    errors.in_one_line()
require('numpy')  # every module here needs it: one line, not a traceback, if it is missing
