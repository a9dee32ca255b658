"""The course kit: a student's handout made from the project's own code, and the grading of a
class. Commands: course/handout.py (make a handout), course/grade.py (grade submissions).

catalogue     the parts that can be left to the students, their tasks and points
transform     the student's code: each chosen part a stub, found with the ast module
leaks         the chosen parts' answers, searched for in a handout
expected      the checker's data, computed from the solution when the handout is made
handout       the command that writes the handout folder and zip
sandbox       one submission's check: a temporary copy, limits, bubblewrap where there is one
grade         the command that grades a folder of submissions into a CSV
kit/          what the handout gets as it is: check.py and its pieces (checking/), Makefile, ...
answers.md    the tutorial's discussion questions, answered: for the teacher, never handed out
"""
