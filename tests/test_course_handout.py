"""The handout and its checker, as a teacher and a student use them: every part unwritten scores
0, each with its own task; the complete project scores full marks; wrong solutions fail their
own part only, saying what is wrong; no answer is handed out."""

import importlib.util
import io
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import zipfile

from plumbing.errors import UserError

import numpy
import pytest
from conftest import ROOT, assert_fails, check, handout_copy, report, tree

import formulas
import nn
from course import catalogue, handout, leaks, transform

# What a handout of every part holds, from the node types: a type's forward (1 point) and backward
# (2), and the scripts' four tasks (sgd 2, error_rate 1, avg_loss 1, plot_logs 2). A type added as
# the README says adds its two parts (tests/test_adding_a_node_type.py runs these tests then).
TYPES = len(formulas.node_types()) - 1  # var has no part
PARTS, POINTS = 2 * TYPES + 4, 3 * TYPES + 6


def manifest(folder):
    with open(folder / 'check-data' / 'handout.json') as f:
        return json.load(f)


def test_every_part_unwritten_scores_0_each_stopped_by_its_own_stub(handout_all, tmp_path):
    folder, _ = handout_all
    result = check(handout_copy(folder, tmp_path / 'h'))
    assert result.returncode == 1 and result.stderr == ''
    found = report(result)
    parts = manifest(folder)['parts']
    assert list(found) == [p['name'] for p in parts] and len(parts) == PARTS
    for p in parts:  # nothing crashed outside the stubs: each stopped at its own task
        wanted = f'not written yet: {p["task"]}; see tutorial {p["section"]}'
        assert found[p['name']] == (0, p['points'], wanted)
    assert result.stdout.splitlines()[-1] == f'total 0/{POINTS}: 0 of {PARTS} parts pass'
    # and the student's README shows this very report
    readme = (folder / 'README.md').read_text()
    assert readme.split('As handed out, it says:\n\n```text\n')[1].split('```')[0] == result.stdout


def test_the_complete_project_checked_as_a_submission_scores_full_marks(handout_all, tmp_path):
    folder, _ = handout_all
    result = check(handout_copy(folder, tmp_path / 'h'), '--submission', ROOT, '--json', 'r.json')
    assert result.returncode == 0, result.stdout + result.stderr
    assert all(score == most for score, most, _ in report(result).values()), result.stdout
    assert (
        result.stdout.splitlines()[-1] == f'total {POINTS}/{POINTS}: {PARTS} of {PARTS} parts pass'
    )
    results = json.loads((tmp_path / 'h' / 'r.json').read_text())
    assert results['score'] == POINTS and len(results['tests']) == PARTS
    assert 'NotImplementedError' in (tmp_path / 'h' / 'nn.py').read_text()  # checked in a copy
    assert {'name', 'score', 'max_score', 'output'} <= set(results['tests'][0])


# (part, file, the right code, a wrong one, words its failure must say)
WRONG = [
    ('backward:logistic', 'nn.py', 'add_grad(n, 0, n.grad * numerics.logistic_slope(',
     'add_grad(n, 0, -n.grad * numerics.logistic_slope(',
     ["node 0's gradient differs from finite differences by 2", 'times -1 (a sign?)']),
    ('backward:mul', 'nn.py', 'add_grad(n, 0, n.grad @ c[1].value.T)',
     'add_grad(n, 0, n.grad @ c[1].value)', ['mul(a, b) with a', 'is a transpose missing']),
    ('backward:tanh', 'nn.py', 'add_grad(n, 0, n.grad * numerics.tanh_slope(c[0].value))',
     'c[0].grad = n.grad * numerics.tanh_slope(c[0].value)',
     ['on add(tanh(a), tanh(a))', '0.5 times the right one', "here a node is used twice (see "
      "the tutorial's question on +=, in section 1.2)"]),
    ('backward:emul', 'nn.py', 'add_grad(n, 0, n.grad * c[1].value)',
     'add_grad(n, 0, 2 * n.grad * c[1].value)', ['it is 2 times the right one']),
    ('forward:relu', 'nn.py', 'numpy.maximum(n.children[0].value, 0)',
     'numpy.minimum(n.children[0].value, 0)', ['node 1 has the value [', ', where it should be']),
    ('sgd', 'lin-train.py', 'w.value -= step * w.grad', 'w.value += step * w.grad',
     ['w after 20 samples', 'it moved up the gradient, not down']),
    ('error_rate', 'mlp-test.py', '!= label).sum()', '== label).sum()',
     ['mlp-test.py mlp-param-1', 'that is the rate of right answers']),
    ('avg_loss', 'avg_loss.py', 'math.fsum(losses) / len(losses)',
     'math.fsum(losses[:-1]) / len(losses[:-1])',
     ['average([0.5, 1.5, 2.5, 0.25]) is 1.5, where it is 1.1875', 'without the last loss']),
    ('plot_logs', 'plot_logs.py', 'ax.plot(x, [scale', 'ax.plot([e - 1 for e in x], [scale',
     ["the line of 'linear' has x = [0, 1, 2], where the epochs are [1, 2, 3]: shifted by one"]),
]  # fmt: skip


def test_a_submission_is_not_run_outside_a_container_of_its_own(handout_all, tmp_path):
    submission = tmp_path / 'student'
    submission.mkdir()
    (submission / 'avg_loss.py').write_text("open('ran', 'w').close()\n")  # code that runs
    folder = handout_copy(handout_all[0], tmp_path / 'h')
    result = check(folder, '--submission', submission, container=False)
    assert result.returncode == 2 and not (folder / 'ran').exists()
    assert result.stderr == (
        "check.py: error: --submission runs a student's code as you, with no sandbox: it is for "
        "Gradescope's container, where run_autograder sets CHECK_IN_A_CONTAINER=1; to check one "
        'submission, put it alone in a folder and grade that: make grade SUBMISSIONS=folder\n'
    )


def check_wrong(handout, tmp_path, wrong, *options):
    """Check the complete project with the changes `wrong` made, as a submission: the report, and
    the failures of the parts that `wrong` changes asserted."""
    submission = tmp_path / 'submission'
    submission.mkdir()
    for name in {f for p in manifest(handout)['parts'] for f in p['files']}:
        shutil.copyfile(os.path.join(ROOT, name), submission / name)
    for _, name, right, changed, _ in wrong:
        text = (submission / name).read_text()
        assert text.count(right) == 1, right
        (submission / name).write_text(text.replace(right, changed))
    result = check(handout_copy(handout, tmp_path / 'h'), '--submission', submission, *options)
    found = report(result)
    failed = {name for name, (score, most, _) in found.items() if score < most}
    assert failed == {part for part, *_ in wrong}, result.stdout
    for part, _, _, _, words in wrong:
        message = found[part][2]
        assert message.startswith('FAILED: '), message
        for w in words:
            assert w in message, (part, message)
    return found


def test_wrong_solutions_each_fail_exactly_their_own_part_saying_what_is_wrong(
    handout_all, tmp_path
):
    # all at once, in the complete project: each part's check stands alone (forward:relu is
    # wrong, and backward:relu still passes; backward:mul is wrong, and sgd still passes)
    check_wrong(handout_all[0], tmp_path, WRONG)


# The tutorial's numpy.outer, a product by a value per row and a sum over the whole batch, right
# for a row and not for a batch; a parameter left out of the step; an average without the first
# loss; the highest score taken over the images, not in each; a line without a label
SLIPS = [
    ('backward:mul', 'nn.py', 'numerics.transpose_mul(c[0].value, n.grad)',
     'numpy.outer(c[0].value, n.grad)',
     ['as numpy.outer makes it of a batch', 'the formula must hold for a batch too, where '
      "the tutorial's x^T dL/dg (its equation 4) is a matrix product"]),
    ('backward:cross-entropy', 'nn.py', 'add_grad(n, 0, -c[1].value * n.grad[..., None])',
     'add_grad(n, 0, -c[1].value * n.grad)',
     ['a value per row, of shape (', 'needs an axis for the columns, shape (']),
    ('backward:logsoftmax', 'nn.py', 'n.grad.sum(axis=-1, keepdims=True)', 'n.grad.sum()',
     ['on logsoftmax(a) with a (3, 2), node 0', ': each of its rows, given alone, gets the right '
      'gradient, and the batch does not: is something summed over the whole batch where it '
      'should be over each row (axis=-1, keepdims=True)?']),
    ('sgd', 'lin-train.py', '    b.value -= step * b.grad\n', '',
     ['b after 20 samples', 'it did not change, while w did: the step must move b too']),
    ('avg_loss', 'avg_loss.py', 'math.fsum(losses) / len(losses)',
     'math.fsum(losses[1:]) / len(losses)',
     ['average([0.5, 1.5, 2.5, 0.25]) is 1.0625, where it is 1.1875: that is the sum without '
      'the first loss, over all of them; every line of a log is one loss']),
    ('error_rate', 'lin-test.py', 'argmax(axis=1)', 'argmax(axis=0)',
     ['lin-test.py lin-param-1 raised ValueError: operands could not be broadcast together with '
      "shapes (10,) (1000,) ((10,) is a number per class, where one per image is wanted: the "
      "argmax must be per row, axis=1 (or -1), each image's highest score)"]),
    ('plot_logs', 'plot_logs.py', "marker='o', label=label)", "marker='o')",
     ["in the left panel (loss), the line of 'linear' has no label"]),
]  # fmt: skip


def test_slips_of_a_batch_a_step_an_average_an_axis_and_a_label_are_named_for_what_they_are(
    handout_all, tmp_path
):
    names = ','.join(part for part, *_ in SLIPS)
    found = check_wrong(handout_all[0], tmp_path, SLIPS, '--part', names)
    for part in ('backward:mul', 'backward:cross-entropy', 'error_rate'):
        assert 'transpose' not in found[part][2], found[part]


def test_a_part_that_waits_for_another_says_so_and_is_still_checked(handout_all, tmp_path):
    # only the scripts' parts written: the SGD step is checked with the stand-in for nn.py
    submission = tmp_path / 's'
    submission.mkdir()
    for name in ('lin-train.py', 'mlp-train.py', 'lin-test.py', 'mlp-test.py'):
        shutil.copyfile(os.path.join(ROOT, name), submission / name)
    folder = handout_copy(handout_all[0], tmp_path / 'h')
    result = check(folder, '--submission', submission, '--part', 'sgd,error_rate')
    found = report(result)
    assert list(found) == ['sgd', 'error_rate']  # the parts they wait for are not listed
    assert (
        found['sgd'][:2] == (2, 2)
        and 'not yet run with your nn.py, which needs ' in (found['sgd'][2])
    )
    assert 'forward:add, forward:mul' in found['error_rate'][2]


def no_answer_in(folder, zip_path, parts):
    """Assert that the handout of `parts` holds no answer text and no pattern's match."""
    code = handout.sources()
    _, removed = transform.transform(code, parts)
    answers = leaks.solution_texts(code, removed)
    assert sum(map(len, answers.values())) > 50  # the search has something to find
    assert leaks.search(str(folder), answers, leaks.patterns(parts)) == []
    assert leaks.search(str(zip_path), answers, leaks.patterns(parts)) == []


def test_the_handout_holds_no_answer_no_cache_no_history_and_no_tests(handout_all):
    folder, zip_path = handout_all
    no_answer_in(folder, zip_path, catalogue.resolve('all'))
    with zipfile.ZipFile(zip_path) as z:
        names = z.namelist()
    on_disk = [os.path.relpath(os.path.join(d, f), folder) for d, _, fs in os.walk(folder)
               for f in fs]  # fmt: skip
    assert sorted(names) == sorted(on_disk)
    for name in names:
        assert not name.endswith('.pyc') and '__pycache__' not in name, name
        assert not name.startswith(('.git/', 'tests/', 'bench/', 'course/', 'figures/')), name
    assert 'README.md' in names and 'TEACHER.md' not in names and 'answers.md' not in names
    assert not any('tutorial' in name for name in names)  # it has no license to be copied


def test_no_handout_file_names_a_path_under_tests_bench_or_course_unless_it_says_it_is_not_there(
    handout_all,
):
    mentions = 0
    for name, data in leaks.files(str(handout_all[0])):
        try:
            text = data.decode('utf-8')
        except UnicodeDecodeError:
            continue  # the data set
        for m in re.finditer(r'(?<![\w./-])`?(\./)?(tests|bench|course)/', text):
            mentions += 1
            before = re.sub(r'[\s#]+', ' ', text[max(0, m.start() - 80) : m.start()])
            line = text[text.rfind('\n', 0, m.start()) + 1 : text.find('\n', m.start())]
            said = re.search(r"full project's (\S+(,| and| or) )*$", before)
            assert said or 'not in this handout' in line, (name, line)
    # numerics.py's two, formulas.py's, checks.py's, plumbing/errors.py's two, data/README.md's,
    # the kit's, the manifest's and the student's README's three, each said to be elsewhere
    assert mentions >= 12


def test_a_path_the_handout_lacks_is_said_to_be_the_full_projects_in_prose_only():
    python = (
        '"""A module.\n\ntests/extremes.py measures every node type against exact references at '
        'inputs up to 1e3 and\nat +-inf, as bench/ and tests/ do.\n"""\n\n'
        "ERROR = 'see tests/extremes.py'  # a string of the code is left as it is\n"
        '# what course/grade.py does with a submission is said in the full project\'s README and\n'
        '# in the full project\'s course/handout.py\n'
    )  # fmt: skip
    assert transform.qualify(python, python=True) == (
        '"""A module.\n\nThe full project\'s tests/extremes.py measures every node type against '
        'exact references at inputs up\nto 1e3 and at +-inf, as the full project\'s bench/ and '
        'tests/ do.\n"""\n\n'
        "ERROR = 'see tests/extremes.py'  # a string of the code is left as it is\n"
        '# what the full project\'s course/grade.py does with a submission is said in the full '
        "project's\n# README and in the full project's course/handout.py\n"
    )  # fmt: skip
    markdown = (
        'Checks (`tests/test_mnist.py` runs them), with ./bench/class.py and a line long enough\n'
        'to wrap twice: once into this line, and then once more, out of this one and into its own'
        '\n- a list\n\n```sh\npython3 bench/bench.py\n```\n'
    )
    assert transform.qualify(markdown, python=False) == (  # the list item and the code stay
        "Checks (the full project's `tests/test_mnist.py` runs them), with the full project's\n"
        './bench/class.py and a line long enough to wrap twice: once into this line, and then '
        'once more, out\nof this one and into its own\n- a list\n\n```sh\npython3 '
        'bench/bench.py\n```\n'
    )


def test_a_default_handout_holds_no_answer_either(tmp_path):
    parts = catalogue.resolve('default')
    handout.make(str(tmp_path / 'h'), parts, str(tmp_path / 'h.zip'))
    no_answer_in(tmp_path / 'h', tmp_path / 'h.zip', parts)


def load(path, name):
    """The module of a handout's file."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_code_a_handout_rewrites_computes_what_the_projects_does(handout_all):
    from plumbing import logs

    import checks

    folder = handout_all[0]
    theirs = load(folder / 'checks.py', 'handout_checks')
    loss = nn.Graph().var(numpy.ones(3, dtype=numpy.float32))
    loss.grad = 2.0  # a number for a batch's loss, filled in: a seed of the loss's shape
    assert (theirs.seed(loss) == checks.seed(loss)).all()
    assert theirs.seed(loss).dtype == numpy.float32
    for module in (logs, load(folder / 'plumbing' / 'logs.py', 'handout_logs')):
        log = module.LossLog(io.StringIO())
        log.write(numpy.array([999.0, 1002.0]))
        with pytest.raises(UserError, match='diverged'):
            log.close()
        log = module.LossLog(io.StringIO())
        log.write(numpy.array([999.0, 1000.0]))
        assert log.close() == 999.5


def test_every_readme_section_that_the_handout_refers_to_is_in_its_readme(handout_all):
    folder = handout_all[0]
    readme = (folder / 'README.md').read_text()
    headings = [line.lstrip('# ') for line in readme.splitlines() if line.startswith('#')]
    assert 'The tutorial itself is not in this handout' in readme  # and it names the tutorial
    named = []
    for name, data in leaks.files(str(folder)):
        text = data.decode('utf-8', errors='replace')
        if name not in ('README.md', 'check-data/handout.json'):  # the manifest names README.md
            found = re.findall(r'README(?:\'s "([^"]+)"|: ([^)\n]+)\))', text)
            assert len(found) == text.count('README'), name  # each mention names a section
            named += [quoted or after_colon for quoted, after_colon in found]
    assert len(named) >= 2
    for section in named:
        assert any(h.startswith(section) for h in headings), section


def test_the_student_readme_asks_the_discussion_questions_and_answers_none(handout_all):
    readme = (handout_all[0] / 'README.md').read_text()
    with open(os.path.join(ROOT, 'course', 'answers.md')) as f:
        answers = f.read()
    assert 'Why do we not need to run topological sort' in readme
    assert 'Where is SGD implemented?' in readme
    # each answer's first words are nowhere in the student's README
    for answer in [a.split('\n')[0] for a in answers.split('**Answer.** ')[1:]]:
        assert answer[:40] not in readme, answer
    assert (
        '| `logistic` | `g.logistic(a)` | your part (sections 1.1 and 2): see its builder | your '
        'part (sections 1.2 and 2) |' in readme
    )
    assert '$' not in readme.replace('$(', '').replace('$i', '')  # every placeholder filled


def test_the_zip_has_gradescopes_files_at_its_root_executable(handout_all):
    _, zip_path = handout_all
    with zipfile.ZipFile(zip_path) as z:
        for name in ('setup.sh', 'run_autograder', 'check.py', 'lin-train.py'):
            mode = z.getinfo(name).external_attr >> 16
            assert stat.S_ISREG(mode) and mode & 0o111, name
        assert z.getinfo('nn.py').external_attr >> 16 & 0o111 == 0
        assert z.getinfo('check-data/handout.json')


def test_run_autograder_grades_a_submission_into_gradescopes_results(handout_logistic, tmp_path):
    folder, _ = handout_logistic
    handout_copy(folder, tmp_path / 'source')
    (tmp_path / 'submission' / 'my work').mkdir(parents=True)  # an upload, unpacked
    for name in ('nn.py', 'numerics.py'):
        shutil.copyfile(os.path.join(ROOT, name), tmp_path / 'submission' / 'my work' / name)
    env = dict(os.environ, AUTOGRADER_ROOT=str(tmp_path), PATH=os.path.dirname(sys.executable)
               + os.pathsep + os.environ['PATH'])  # fmt: skip
    result = subprocess.run(
        ['bash', str(tmp_path / 'source' / 'run_autograder')],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    results = json.loads((tmp_path / 'results' / 'results.json').read_text())
    scores = {t['name'].split(': ')[0]: (t['score'], t['max_score']) for t in results['tests']}
    assert scores == {'forward:logistic': (1, 1), 'backward:logistic': (2, 2), 'avg_loss': (0, 1)}
    assert results['score'] == 3
    assert 'not written yet: avg_loss: return the average' in results['tests'][2]['output']
    assert 'no avg_loss.py in the submission' in results['output']


def test_a_student_who_wrote_the_logistic_trains_the_linear_model(handout_logistic, tmp_path):
    # the logistic's parts unwritten: the linear classifier does not need them
    folder, _ = handout_logistic
    work = tmp_path / 'h'
    shutil.copytree(folder, work, symlinks=True)
    data = folder / 'check-data' / 'mnist'

    def run(*args):
        return subprocess.run(
            [sys.executable, *args, '--data', str(data)], cwd=work, capture_output=True,
            text=True, timeout=120, check=False,
        )  # fmt: skip

    assert run('lin-train.py', '--init', 'lin-param-0').returncode == 0
    trained = run('lin-train.py', 'lin-param-0', 'lin-param-1', '--limit', '100')
    assert trained.returncode == 0, trained.stderr
    assert len(trained.stdout.splitlines()) == 100
    assert run('mlp-train.py', '--init', 'mlp-param-0', '--hidden', '4').returncode == 0
    stub = run('mlp-train.py', 'mlp-param-0', 'mlp-param-1', '--limit', '10')
    assert 'NotImplementedError: forward of logistic: set n.value' in stub.stderr
    assert not (work / 'mlp-param-1').exists()


def test_a_folder_that_is_not_a_handout_is_never_written_over(tmp_path):
    (tmp_path / 'notes').mkdir()
    (tmp_path / 'notes' / 'mine.txt').write_text('keep me')
    result = run_handout(tmp_path / 'notes', cwd=tmp_path)
    assert_fails(result, 'notes: a folder that is not empty and not a handout')
    assert os.listdir(tmp_path / 'notes') == ['mine.txt'] and not (tmp_path / 'notes.zip').exists()
    (tmp_path / 'h.zip').write_text('a zip of something else')
    assert_fails(run_handout(tmp_path / 'h', cwd=tmp_path), 'h.zip: exists and is not a handout')
    assert_fails(
        run_handout(tmp_path / 'x', '--parts', 'backward:nope'), "no part 'backward:nope'"
    )
    assert_fails(run_handout(tmp_path / 'no' / 'h'), f'h: cannot write in {tmp_path / "no"}')
    assert sorted(os.listdir(tmp_path)) == ['h.zip', 'notes']


def test_an_untouched_handout_is_made_again_in_its_place_with_other_parts(tmp_path):
    out, zip_path = str(tmp_path / 'h'), str(tmp_path / 'h.zip')
    handout.make(out, catalogue.resolve('avg_loss'), zip_path)
    os.makedirs(tmp_path / 'h' / '__pycache__')  # what running it adds is no one's work
    (tmp_path / 'h' / '__pycache__' / 'nn.cpython-311.pyc').write_bytes(b'\0')
    handout.make(out, catalogue.resolve('plot_logs'), zip_path)
    assert [p['name'] for p in manifest(tmp_path / 'h')['parts']] == ['plot_logs']
    assert not (tmp_path / 'h' / '__pycache__').exists()
    assert sorted(os.listdir(tmp_path)) == ['h', 'h.zip']  # nothing left half-written
    with zipfile.ZipFile(zip_path) as z:
        assert 'plot_logs' in z.read('check-data/handout.json').decode()


def test_a_handout_with_files_changed_or_added_is_replaced_only_with_overwrite(tmp_path):
    out, zip_path = tmp_path / 'h', tmp_path / 'h.zip'
    handout.make(str(out), catalogue.resolve('avg_loss'), str(zip_path))
    before = zip_path.read_bytes()
    (out / 'avg_loss.py').write_text('def average(losses):\n    return 1  # my work\n')
    assert_fails(run_handout(out, '--parts', 'plot_logs'),
                 f'{out / "avg_loss.py"}: changed since the handout was made; not replacing',
                 'OVERWRITE=1, or --overwrite')  # fmt: skip
    (out / 'avg_loss.py').unlink()
    (out / 'data' / 'notes.txt').write_text('a student tried it out')
    assert_fails(run_handout(out), f'{out / "data" / "notes.txt"}: not made with the handout')
    assert (out / 'data' / 'notes.txt').exists() and zip_path.read_bytes() == before
    handout.make(str(out), catalogue.resolve('plot_logs'), str(zip_path), overwrite=True)
    assert not (out / 'data' / 'notes.txt').exists() and (out / 'avg_loss.py').exists()


def test_the_list_names_every_part_and_the_default_ones():
    result = run_handout('--list')
    lines = result.stdout.splitlines()
    assert len(lines) == PARTS + 1 and lines[-1] == '* the default parts'
    assert lines[0].startswith('  forward:add ') and lines[2].startswith('* forward:logistic ')
    assert lines[0].split()[1:4] == ['1', 'point', 'nn.py']  # not '1 points'


def run_handout(*args, cwd=None):
    return subprocess.run(
        [sys.executable, os.path.join(ROOT, 'course', 'handout.py'), *map(str, args)],
        cwd=cwd, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


@pytest.mark.parametrize('name', ['setup.sh', 'run_autograder'])
def test_gradescopes_scripts_are_valid_bash(name):
    result = subprocess.run(['bash', '-n', os.path.join(ROOT, 'course', 'kit', name)], check=False)
    assert result.returncode == 0


def test_a_check_whose_parts_crash_or_time_out_leaves_nothing_in_the_temporary_folder(
    handout_logistic, tmp_path
):
    submission, tmp = tmp_path / 's', tmp_path / 'tmp'
    tmp.mkdir()
    submission.mkdir()
    changes = {
        'n.value = numerics.logistic(n.children[0].value)':
            'import os, signal; os.kill(os.getpid(), signal.SIGSEGV)',
        'return math.fsum(losses) / len(losses)': 'while True:\n        pass',
    }  # fmt: skip
    for name in ('nn.py', 'numerics.py', 'avg_loss.py'):
        with open(os.path.join(ROOT, name)) as f:
            text = f.read()
        for right, wrong in changes.items():
            text = text.replace(right, wrong)
        (submission / name).write_text(text)
    folder = handout_copy(handout_logistic[0], tmp_path / 'h')
    result = check(folder, '--submission', submission, '--timeout', 2, env={'TMPDIR': str(tmp)})
    found = report(result)
    assert found['forward:logistic'][2].startswith('FAILED: forward of logistic: the check crash')
    assert found['avg_loss'][2].startswith('STOPPED: the average of a log: stopped after 2 s')
    assert os.listdir(tmp) == []


def test_setup_updates_the_package_lists_before_it_installs():
    with open(os.path.join(ROOT, 'course', 'kit', 'setup.sh')) as f:
        lines = [line.split()[:2] for line in f if line.startswith('apt-get')]
    assert lines == [['apt-get', 'update'], ['apt-get', 'install']]


def test_two_handouts_of_the_same_code_are_the_same_bytes(tmp_path):
    made = []
    for name in ('a', 'b'):
        handout.make(str(tmp_path / name), catalogue.resolve('sgd,error_rate'),
                     str(tmp_path / f'{name}.zip'))  # fmt: skip
        made.append(tree(tmp_path / name))
    assert (tmp_path / 'a.zip').read_bytes() == (tmp_path / 'b.zip').read_bytes()
    assert made[0] == made[1] and 'check-data/params/lin-param-1' in made[0]


def test_make_handout_takes_parts_written_with_spaces_after_the_commas():
    dry = subprocess.run(
        ['make', '-n', 'handout', 'PARTS=backward:mul, sgd', 'PYTHON=python3'],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={k: v for k, v in os.environ.items() if not k.startswith('MAKE')},
    )
    assert "--parts 'backward:mul, sgd'" in dry.stdout  # one argument, as the shell gets it
    assert [p.name for p in catalogue.resolve('backward:mul, sgd')] == ['backward:mul', 'sgd']
