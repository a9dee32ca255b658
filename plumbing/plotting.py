"""matplotlib, checked (one line if it is missing) and set to draw into files: no display needed.

from plumbing.plotting import pyplot
"""

from plumbing.requires import require

matplotlib = require('matplotlib')
matplotlib.use('Agg')
pyplot = require('matplotlib.pyplot')
