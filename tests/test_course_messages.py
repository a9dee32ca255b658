"""The course kit's words as a teacher or a student reads them: check.py's help on --submission,
what make takes where a message says --overwrite, and a count of one in the singular."""

import os
import re
import subprocess
import sys

from conftest import ROOT, assert_fails, check

from course import catalogue, handout
from course.kit.checking import report


def run_grader(*args):
    return subprocess.run(
        [sys.executable, os.path.join(ROOT, 'course', 'grade.py'), *map(str, args)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_check_help_says_that_submission_is_refused_outside_gradescopes_container(
    handout_logistic,
):
    result = check(handout_logistic[0], '--help', container=False)
    assert result.returncode == 0, result.stderr
    said = re.sub(r'\s+', ' ', result.stdout.split('--submission PATH')[1]).strip()
    assert said.startswith(
        'check the part files of a submission (a folder or a zip) in a temporary copy of this '
        "handout: what Gradescope's run_autograder does. Refused outside Gradescope's container "
        "(where run_autograder sets CHECK_IN_A_CONTAINER=1): a student's code would run as you, "
        'with no sandbox; make grade checks one in a sandbox'
    )


def test_a_grade_sheet_refused_says_how_make_overwrites_it_too(handout_logistic, tmp_path):
    (tmp_path / 'subs').mkdir()
    (tmp_path / 'subs' / 'dan.txt').write_text('not a submission')
    (tmp_path / 'marks.csv').write_text('name,mark\nalice,9\n')
    assert_fails(
        run_grader(handout_logistic[0], tmp_path / 'subs', tmp_path / 'marks.csv'),
        'marks.csv: exists and is not a grade sheet; not writing over it (give another name, or '
        '--overwrite; make: OVERWRITE=1)',
    )
    assert (tmp_path / 'marks.csv').read_text() == 'name,mark\nalice,9\n'


def test_a_count_of_one_is_in_the_singular(handout_logistic, tmp_path):
    assert handout.counted(catalogue.resolve('sgd')) == '1 part, 2 points'
    assert handout.counted(catalogue.resolve('avg_loss,sgd')) == '2 parts, 3 points'
    part = catalogue.resolve('avg_loss')[0].manifest()
    lines = report.text(report.rows([part], {'avg_loss': ('passed', None)}))
    assert lines[-1] == 'total 1/1: 1 of 1 part passes'
    (tmp_path / 'subs').mkdir()
    (tmp_path / 'subs' / 'dan.txt').write_text('not a submission')
    result = run_grader(handout_logistic[0], tmp_path / 'subs', tmp_path / 'grades.csv')
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].startswith('grade.py: 1 submission, 3 parts, '), lines
    assert lines[-1].startswith('grade.py: 1 submission graded in '), lines
