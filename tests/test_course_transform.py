"""course/transform.py and course/leaks.py: each part found with the ast module and replaced by a
stub that runs; what only served it taken out; its answers known, and found where they show."""

import ast
import os
import re

import pytest
from conftest import ROOT

import formulas
from course import catalogue, handout, leaks, transform


@pytest.fixture(scope='module')
def sources():
    return handout.sources()


def test_every_part_is_found_once_in_each_of_its_files_and_its_stub_parses(sources):
    parts = list(catalogue.catalogue().values())
    student, removed = transform.transform(sources, parts)
    for part in parts:
        files = [r.file for r in removed[part.name] if not r.strings and r.file != 'numerics.py']
        assert files == list(part.files), part.name
        for path in part.files:
            stub = f'raise NotImplementedError({part.task!r})'
            text = student[path].replace('\n', ' ')
            assert stub in text or part.task.split()[0] in text, (part.name, path)
    for text in student.values():
        ast.parse(text)  # every file the student gets is Python


def test_a_stub_says_the_task_and_points_to_the_tutorial_and_the_checker(sources):
    (part,) = catalogue.resolve('backward:logistic')
    student, _ = transform.transform(sources, [part])
    case = student['nn.py'].split("elif n.type == 'logistic':")[2].split('elif')[0]
    assert (  # on two lines: on one, it would be 100 characters long
        '            # Your part, tutorial sections 1.2 and 2:\n'
        '            # ./check.py --part backward:logistic checks it.\n' in case
    )
    assert "'backward of logistic: add_grad(n, 0, dL/da), from n.grad = dL/dn'" in case
    assert 'logistic_slope' not in case
    assert all(len(line) < 100 for text in student.values() for line in text.splitlines())


def test_parts_are_found_by_the_syntax_tree_not_by_the_layout(sources):
    # the same code, laid out otherwise: a comment between the test and the body, blank lines,
    # other spacing; the stub replaces the same statements
    changed = dict(sources)
    changed['nn.py'] = sources['nn.py'].replace(
        "        elif n.type == 'relu':\n            add_grad(",
        "        elif n.type  ==  'relu' :\n            # a note of the teacher's\n\n"
        '            add_grad(',
    )
    assert changed['nn.py'] != sources['nn.py']
    (part,) = catalogue.resolve('backward:relu')
    student, _ = transform.transform(changed, [part])
    assert 'c[0].value > 0' not in student['nn.py'].split('def backward')[1]
    assert 'a note of the teacher' not in student['nn.py']
    assert "n.type  ==  'relu' :" in student['nn.py']  # the case itself stays as it was


def test_a_helper_of_numerics_goes_with_the_only_part_that_calls_it(sources):
    student, removed = transform.transform(sources, catalogue.resolve('backward:logistic'))
    assert 'def logistic_slope(' not in student['numerics.py']
    assert 'def logistic(' in student['numerics.py']  # forward's, which stays
    assert 'def tanh_slope(' in student['numerics.py']
    assert [r.file for r in removed['backward:logistic']].count('numerics.py') == 1
    assert '\n\n\n\n' not in student['numerics.py']


def test_the_formulas_of_a_chosen_part_become_placeholders(sources):
    student, _ = transform.transform(sources, catalogue.resolve('forward:mul,backward:mul'))
    namespace = {}
    exec(compile(student['formulas.py'], 'formulas.py', 'exec'), namespace)
    assert namespace['FORMULAS']['mul'] == ('mul({0}, {1})', ('dL/dx = ?', 'dL/dA = ?'))
    assert namespace['FORMULAS']['add'] == ('{0} + {1}', ('dL/da = dL/dn', 'dL/db = dL/dn'))


def test_the_scripts_keep_their_loop_around_the_stub(sources):
    student, _ = transform.transform(sources, catalogue.resolve('sgd,error_rate'))
    train = student['lin-train.py']
    assert (
        train.index('nn.backward(g)')
        < train.index('NotImplementedError')
        < train.index('log.write(loss.value)')
    )
    step = train.split('nn.backward(g)')[1].split('log.write')[0]
    assert '-=' not in step and 'step =' not in step
    test = student['lin-test.py']
    assert 'wrong = total = 0' in test and 'rate = wrong / total' in test
    assert 'argmax' not in test


def test_answers_leave_out_code_that_the_handout_keeps_elsewhere(sources):
    # sub's backward passes dL/dn to its first child as add's does: common code, not an answer
    _, removed = transform.transform(sources, catalogue.resolve('backward:add'))
    answers = leaks.solution_texts(sources, removed)['backward:add']
    assert 'add_grad(n, 1, n.grad)' in answers
    assert 'add_grad(n, 0, n.grad)' not in answers and 'dL/da = dL/dn' not in answers


def test_the_search_finds_an_answer_in_a_folder_and_in_a_zip(tmp_path, sources):
    _, removed = transform.transform(sources, catalogue.resolve('backward:logistic'))
    answers = leaks.solution_texts(sources, removed)
    folder = tmp_path / 'h'
    folder.mkdir()
    (folder / 'notes.md').write_text('the slope:   dL/da = dL/dn\n  s (1 - s)\n')  # any spacing
    found = leaks.search(str(folder), answers)
    assert found == [('backward:logistic', 'dL/da = dL/dn s (1 - s)', 'notes.md')]
    import zipfile

    with zipfile.ZipFile(tmp_path / 'h.zip', 'w') as z:
        z.writestr('nn.py', 'return e / (1 + e) ** 2\n')
    assert leaks.search(str(tmp_path / 'h.zip'), answers)[0][0] == 'backward:logistic'


def test_each_text_that_a_handout_rewrites_is_an_answer_that_the_search_finds(tmp_path, sources):
    for who, path, old, _ in transform.REWRITES:
        text = sources[path]  # the whole lines around the text, as the project has them
        at = text.index(old)
        lines = text[text.rfind('\n', 0, at) + 1 : text.find('\n', at + len(old))]
        (tmp_path / 'file.py').write_text(lines)
        found_by = {who: leaks.PATTERNS[who]} if who in leaks.PATTERNS else leaks.QUESTIONS
        assert leaks.search(str(tmp_path), {}, found_by), (who, old)


def test_a_rewrite_whose_text_is_gone_from_the_project_stops_the_handout(sources):
    changed = dict(sources, **{'checks.py': sources['checks.py'].replace('w.value -=', 'w -=')})
    with pytest.raises(LookupError, match=r'checks\.py no longer has the text'):
        transform.transform(changed, catalogue.resolve('sgd'))


# An answer of each kind that leaks.py has patterns for, as it could show in a handout
ANSWERS = [
    ('forward:logistic', 'n.value = 1 / (1 + numpy.exp(-a))'),
    ('forward:logsoftmax', 'a - numpy.logaddexp.reduce(a, axis=-1, keepdims=True)'),
    ('forward:tanh', 'n.value = numpy.tanh(n.children[0].value)'),
    ('forward:relu', 'numpy.maximum(a, 0)'),
    ('backward:logsoftmax', 'n.grad - numpy.exp(n.value) * n.grad.sum(axis=-1)'),
    ('backward:tanh', 'dL/da = dL/dn (1 - t^2)'),
    ('discussion question 1', 'A node is built from nodes that exist'),
    ('discussion question 1', 'for n in graph.nodes:  # children come first, so their columns'),
    ('discussion question 6', 'nn.py only computes the gradients'),
    ('discussion question 7', 'the test error stops being an honest estimate'),
    ('sgd', 'w.value -= lr * w.grad'),
    ('sgd', 'b1.value = b1.value - step * b1.grad'),
    ('avg_loss', 'average = math.fsum(block) / len(block)'),
    ('avg_loss', '"""The mean of the losses, summed exactly (math.fsum)."""'),
    ('avg_loss', '(v[:-1].mean(), "the mean without the last loss")'),
    ('avg_loss', 'return statistics.fmean(losses)'),
    ('backward:sum', 'return numpy.full(value.shape, grad)'),
    ('backward:sum', 'numpy.broadcast_to(n.grad, c[0].value.shape)'),
    ('error_rate', 'wrong += (score.value.argmax(axis=-1) != label).sum()'),
    ('plot_logs', "ax.set_ylabel(ylabel)"),
    ('backward:logistic', 'slope = s (1 - s)'),
    ('discussion question 2', 'so children come before their parents: nodes is already a\n'
     '    topological order.'),
    ('discussion question 3', "so a node's gradient is complete before it is passed on"),
    ('discussion question 4', 'Give n a zero gradient to add to with +=, unless it has one'),
    ('discussion question 5', 'a node used twice must receive the sum of both contributions '
     '(add_grad adds them up; = keeps only the last)'),
]  # fmt: skip


@pytest.mark.parametrize('who, text', ANSWERS)
def test_each_kind_of_answer_is_found_in_any_file_in_any_layout(tmp_path, who, text):
    (tmp_path / 'any.txt').write_text(text)
    found = leaks.search(str(tmp_path), {}, leaks.patterns(catalogue.resolve('all')))
    assert who in {part for part, _, _ in found}, found


def test_every_pattern_of_the_search_has_an_answer_to_find():
    assert {who for who, _ in ANSWERS} == set(leaks.PATTERNS) | set(leaks.QUESTIONS)


def test_the_questions_asked_are_the_ones_searched_for_and_their_answers_are_found(tmp_path):
    with open(os.path.join(ROOT, 'course', 'student-readme.md')) as f:
        asked = f.read().split('## Discussion questions')[1].split('\n## ')[0]
    assert len(re.findall(r'^\d\. ', asked, re.M)) == len(leaks.QUESTIONS) == 7
    texts = leaks.discussion_texts()
    assert len(texts) > 20
    # a sentence of course/answers.md, copied in another layout, is found
    sentence = 'The order of creation is a topological order, so sorting would give nothing new.'
    (tmp_path / 'notes.md').write_text(sentence.replace(' order, ', '\n    order,  '))
    found = leaks.search(str(tmp_path), {transform.DISCUSSION: texts})
    assert found == [(transform.DISCUSSION, sentence, 'notes.md')]


def test_every_part_of_the_catalogue_is_described_for_the_list():
    parts = catalogue.catalogue()
    assert len(parts) == 2 * (len(formulas.node_types()) - 1) + 4  # var has no part
    assert set(catalogue.DEFAULT) <= set(parts)
    for p in parts.values():
        assert p.task.startswith((p.title, p.name, 'error rate')), p.name
        assert p.points > 0
        assert all(os.path.exists(os.path.join(ROOT, f)) for f in p.files)


def tutorial_sections():
    """{'1.1 Forward Computation': text} of the tutorial's numbered sections, by its headings."""
    path = os.path.join(os.path.dirname(ROOT), 'shared', 'tutorial.md')
    if not os.path.exists(path):
        pytest.skip(f'the tutorial is not beside the project ({path})')
    with open(path, encoding='utf-8') as f:
        pieces = re.split(r'^#+ (\d+(?:\.\d+)* .*)$', f.read(), flags=re.M)
    return dict(zip(pieces[1::2], pieces[2::2], strict=True))


def test_each_part_names_sections_of_the_tutorial_that_show_its_method_and_its_type():
    headings = tutorial_sections()
    with open(os.path.join(ROOT, 'course', 'student-readme.md')) as f:
        readme = re.sub(r'\s+', ' ', f.read())
    assert all(h in readme for h in list(headings)[1:])  # the ones the parts name, and titles
    sections = {h.split()[0]: text for h, text in headings.items()}
    assert list(sections) == ['1', '1.1', '1.2', '2']
    method = {'forward': '1.1', 'backward': '1.2'}
    for p in catalogue.catalogue().values():
        named = set(re.findall(r'\d+(?:\.\d+)*', p.section))
        assert named and named <= set(sections), p.name
        kind, _, node_type = p.name.partition(':')
        if node_type:  # the method's section, and one that shows the type, if one does
            builder = node_type.replace('-', '_')
            shown = {s for s, text in sections.items() if f"'{node_type}'" in text or
                     f'.{builder}(' in text}  # fmt: skip
            assert method[kind] in named and (named & shown or not shown), p.name
    assert catalogue.catalogue()['forward:logistic'].section == 'sections 1.1 and 2'
