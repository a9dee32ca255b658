"""The pieces of showgraph.py, one concern a module; showgraph.py is the command and the name to
import (`import showgraph`), this package what it is made of.

listing   a graph as a listing of its nodes, and as Graphviz DOT; how values are written
picture   a graph drawn with matplotlib into a PNG, PDF or SVG
trace     the steps of forward and backward, and the --trace text written from them
page      a web page that steps through forward and backward on the drawn graph; page.html,
          page.css and page.js are its markup, style and program, put into one file
examples  the example graphs: the tutorial's first, a node used twice, the classifiers
ownfile   the graph that a student's own Python file builds
"""
