"""The checker's pieces, a module per concern; ./check.py is the command.

parts       the handout's parts (check-data/handout.json) and the check of each
nodes       forward and backward of a node type: values, finite differences, a node used twice
cases       the small graphs of generated shapes that those checks build
scripts     the training and test scripts end to end: the SGD step, the error rate
standin     made-up values and gradients in nn's place, to check a script's own part alone
tasks       the average of a log, the plot per epoch
verdict     what a check says: PartError, and how far a number is from the right one
processes   each part in a process of its own, with limits on time and memory
report      the lines for the student, Gradescope's results.json
submission  the part files of a submitted folder or zip, taken safely into a handout
"""
