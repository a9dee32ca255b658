"""showgraph.py --trace: the numbers that forward and backward compute, step by step.

Every example's numbers are derived by hand below, and a random graph's against backward's own.
"""

import math
import os

import numpy
import pytest
from conftest import ROOT, assert_fails, random_graph, run

import formulas
import nn
import showgraph
from graphview import examples, listing
from showgraph import Contribution, Value


def contributions(done):
    return [s for s in done if isinstance(s, Contribution)]


def check_backward(done, expected):
    """The Contributions in done against [(child id, parent id, formula, delta, total)]."""
    got = contributions(done)
    assert [(s.child.id, s.parent.id, s.formula) for s in got] == [e[:3] for e in expected]
    for s, (*_, delta, total) in zip(got, expected, strict=True):
        numpy.testing.assert_allclose(s.delta, delta, rtol=0, atol=1e-12)
        numpy.testing.assert_allclose(s.total, total, rtol=0, atol=1e-12)


# --- The examples, derived by hand ---------------------------------------------------------------


def test_the_tutorials_first_example():
    # c = a + b = 1 + 2 = 3. L = c, so dL/dc = 1 (the seed), and add passes it to each child
    # unchanged (dL/da = dL/dc * dc/da = 1 * 1): each receives one contribution, 1.
    assert showgraph.trace(*examples.first()) == [
        'forward, in the order of graph.nodes:',
        '  node 0 var a = 1',
        '  node 1 var b = 2',
        '  node 2 add(0, 1) = 1 + 2 = 3',
        'backward, in reverse order, from the loss L = node 2:',
        '  node 2 add(0, 1), dL/dnode2 = 1:',
        '    node 0 += dL/dnode2 = 1 -> 1',
        '    node 1 += dL/dnode2 = 1 -> 1',
        "the vars' gradients, as backward leaves them:",
        '  node 0 var a: grad = 1',
        '  node 1 var b: grad = 1',
    ]


def test_a_node_used_twice_receives_two_contributions():
    # c = a + a = 6 and dc/da = 2. Backward's add case sends dL/dc = 1 to its first child, a,
    # then 1 to its second child, a again: the running total goes 1, then 2.
    assert showgraph.trace(*examples.twice()) == [
        'forward, in the order of graph.nodes:',
        '  node 0 var a = 3',
        '  node 1 add(0, 0) = 3 + 3 = 6',
        'backward, in reverse order, from the loss L = node 1:',
        '  node 1 add(0, 0), dL/dnode1 = 1:',
        '    node 0 += dL/dnode1 = 1 -> 1',
        '    node 0 += dL/dnode1 = 1 -> 2',
        "the vars' gradients, as backward leaves them:",
        '  node 0 var a: grad = 2',
    ]


def test_each_contribution_names_the_childs_place_among_the_parents_children():
    # g.add(a, a): the first contribution to a is for add's argument 0, the second for 1
    assert [s.arg for s in contributions(showgraph.steps(examples.twice()[0]))] == [0, 1]
    assert [s.arg for s in contributions(showgraph.steps(examples.first()[0]))] == [0, 1]
    g, _names = examples.small_linear()  # node 7 cross-entropy(6, 3) passes to 6 only
    assert [(s.parent.id, s.arg) for s in contributions(showgraph.steps(g))] == [
        (7, 0),
        (6, 0),
        (5, 0),
        (5, 1),
        (4, 1),
    ]


def test_a_lone_var_is_its_own_loss_and_gets_the_seed():
    g = nn.Graph()
    g.var(2.5)
    assert showgraph.trace(g)[-1] == '  node 0 var: grad = 1'


def test_the_running_total_is_kept_as_it_was_at_each_step():
    done = showgraph.steps(examples.twice()[0])
    first, second = contributions(done)
    assert first.total == 1 and second.total == 2  # a.grad went on to 2 in place after the first


def test_the_small_linear_classifier():
    g, _names = examples.small_linear()
    done = showgraph.steps(g)
    # forward: x w = [0, 0.5, 1] @ [[1, -1], [2, 0], [0, 1]] = [0.5 * 2, 1 * 1] = [1, 1];
    # + b = [1, 2]; logsoftmax subtracts log(e^1 + e^2) = 1 + log(1 + e); the gold class is 0,
    # so L = -logprob_0 = log(1 + e)
    log1e = math.log(1 + math.e)
    values = [s.value for s in done if isinstance(s, Value)]
    assert [s.node for s in done if isinstance(s, Value)] == g.nodes
    for value, hand in zip(values[4:], [[1, 1], [1, 2], [-log1e, 1 - log1e], log1e], strict=True):
        numpy.testing.assert_allclose(value, hand, rtol=1e-12)
    # backward: dL/dlogprob = -y = [-1, 0]; logsoftmax gives dL/dscore = [-1, 0] - p sum([-1, 0])
    # = p - y with p = softmax([1, 2]) = [1 - q, q], q = e / (1 + e): [-q, q]; add copies it to
    # x w and b; mul gives dL/dw = x^T [-q, q], the outer product (x needs no gradient).
    q = math.e / (1 + math.e)
    outer = [[0, 0], [-q / 2, q / 2], [-q, q]]
    check_backward(
        done,
        [
            (6, 7, '-node3 dL/dnode7', [-1, 0], [-1, 0]),
            (5, 6, 'dL/dnode6 - softmax(node5) sum_i (dL/dnode6)_i', [-q, q], [-q, q]),
            (4, 5, 'dL/dnode5', [-q, q], [-q, q]),
            (1, 5, 'dL/dnode5', [-q, q], [-q, q]),
            (0, 4, 'node2^T dL/dnode4', outer, outer),
        ],
    )


def test_the_small_mlp():
    g, names = examples.small_mlp()
    done = showgraph.steps(g)
    # forward: x w1 = [1, 1] (as for the linear classifier); + b1 = [0, 0]; h = logistic = [0.5,
    # 0.5]; h w2 = [0.5 + 1, -0.5 + 0.5] = [1.5, 0]; + b2 = [1.5, 1.5]: two equal scores, so
    # p = [0.5, 0.5] and L = -log 0.5 = log 2
    values = [s.value for s in done if isinstance(s, Value)]
    for value, hand in zip(
        values[6:],
        [[1, 1], [0, 0], [0.5, 0.5], [1.5, 0], [1.5, 1.5], [-math.log(2)] * 2, math.log(2)],
        strict=True,
    ):
        numpy.testing.assert_allclose(value, hand, rtol=1e-12)
    # backward: dL/dscore = p - y = [-0.5, 0.5], to b2 and to h w2; dL/dh = [-0.5, 0.5] w2^T
    # = [-0.5 - 0.5, -1 + 0.5] = [-1, -0.5]; dL/dw2 = h^T [-0.5, 0.5] = 0.5 * [-0.5, 0.5] in each
    # row; logistic: s (1 - s) = 0.25, so dL/d(x w1 + b1) = [-0.25, -0.125], to b1 and to x w1;
    # dL/dw1 = x^T [-0.25, -0.125], rows 0, 0.5 and 1 times it.
    z = [-0.25, -0.125]
    check_backward(
        done,
        [
            (11, 12, '-node5 dL/dnode12', [-1, 0], [-1, 0]),
            (
                10,
                11,
                'dL/dnode11 - softmax(node10) sum_i (dL/dnode11)_i',
                [-0.5, 0.5],
                [-0.5, 0.5],
            ),
            (9, 10, 'dL/dnode10', [-0.5, 0.5], [-0.5, 0.5]),
            (3, 10, 'dL/dnode10', [-0.5, 0.5], [-0.5, 0.5]),
            (8, 9, 'dL/dnode9 node2^T', [-1, -0.5], [-1, -0.5]),
            (2, 9, 'node8^T dL/dnode9', [[-0.25, 0.25]] * 2, [[-0.25, 0.25]] * 2),
            (7, 8, 'dL/dnode8 s (1 - s)', z, z),
            (6, 7, 'dL/dnode7', z, z),
            (1, 7, 'dL/dnode7', z, z),
            (
                0,
                6,
                'node4^T dL/dnode6',
                [[0, 0], [-0.125, -0.0625], [-0.25, -0.125]],
                [[0, 0], [-0.125, -0.0625], [-0.25, -0.125]],
            ),
        ],
    )
    text = showgraph.trace(g, names)
    assert '  node 8 logistic(7) = logistic([0, 0]) = [0.5, 0.5]' in text
    assert '    node 8 += dL/dnode9 node2^T = [-1, -0.5] -> [-1, -0.5]' in text
    assert '  node 4 var x: grad = none (requires_grad=False)' in text


# --- Any graph, against backward's own gradients -------------------------------------------------


@pytest.mark.parametrize('seed', range(5))
def test_a_random_graph_against_backwards_own_gradients(seed):
    g = random_graph(numpy.random.default_rng(seed))
    nn.forward(g)
    nn.backward(g)  # untraced
    values = {n: numpy.copy(n.value) for n in g.nodes}
    grads = {n: n.grad for n in g.nodes}
    done = showgraph.steps(g)
    assert nn.trace is None
    assert [s.node for s in done if isinstance(s, Value)] == g.nodes
    for s in done:
        if isinstance(s, Value):
            numpy.testing.assert_array_equal(s.value, values[s.node])
    received = {}
    for s in contributions(done):
        assert s.parent.children[s.arg] is s.child and s.formula != '?'
        assert f'dL/dnode{s.parent.id}' in s.formula  # every case's formula was found
        total = received[s.child] = received.get(s.child, 0) + s.delta
        numpy.testing.assert_allclose(s.total, total, rtol=1e-12, atol=1e-15)
    assert received.keys() == {n for n in g.nodes if grads[n] is not None} - {g.nodes[-1]}
    for n, total in received.items():
        numpy.testing.assert_allclose(total, grads[n], rtol=1e-12, atol=1e-15)
    args = [(s.parent, s.arg) for s in contributions(done)]
    assert len(set(args)) == len(args)  # one contribution for each place a child has
    parents = [s.parent.id for s in contributions(done)]
    assert parents == sorted(parents, reverse=True)  # in reverse order
    # the test means something: some node received several contributions, every type is in
    assert len(parents) > len(received)
    assert {n.type for n in g.nodes} == set(formulas.FORMULAS)


def test_the_hook_is_off_again_after_a_failure():
    g = nn.Graph()
    g.node('nonsense', g.var(1.0))
    with pytest.raises(ValueError):
        showgraph.steps(g)
    assert nn.trace is None


# --- How numbers are shown -----------------------------------------------------------------------


def test_a_few_numbers_in_full_more_by_shape_and_norm():
    assert listing.numbers(3) == '3'
    assert listing.numbers(numpy.array(-0.0)) == '0'
    assert listing.numbers(numpy.array([[1.0, -2], [0.5, 1 / 3]])) == '[[1, -2], [0.5, 0.3333]]'
    assert listing.numbers(numpy.array([-1, -5.551e-17])) == '[-1, 0]'  # a rounding error
    assert listing.numbers(numpy.ones(7)) == '<7, norm 2.646>'  # sqrt(7)
    assert listing.numbers(numpy.zeros((784, 10))) == '<784x10, norm 0>'
    assert listing.numbers(None) == '-'


def test_the_picture_shows_values_and_gradients():
    g, names = examples.small_linear()
    nn.forward(g)
    nn.backward(g)
    dot = showgraph.to_dot(g, names)
    assert 'n5 [label="5: add\\nvalue [1, 2]\\ngrad [-0.7311, 0.7311]"];' in dot  # q as above
    assert 'n2 [label="2: var x\\nvalue [0, 0.5, 1]", style=dashed];' in dot  # needs no gradient
    assert listing.box(g.nodes[0], names, rows=True) == [
        '0: var w',
        'value [[1, -1],',
        '       [2, 0],',
        '       [0, 1]]',
        'grad [[0, 0],',
        '      [-0.3655, 0.3655],',
        '      [-0.7311, 0.7311]]',
    ]
    w = nn.Graph().var(numpy.full((784, 10), 0.5))  # norm sqrt(7840) / 2
    assert listing.box(w, {w: 'w'}) == ['0: var w (784x10)', 'value norm 44.27']


# --- The command ---------------------------------------------------------------------------------


def test_trace_alone_traces_each_small_example():
    out = run('showgraph.py', '--trace', check=0).stdout
    for name in ('first', 'twice', 'small-linear', 'small-mlp'):
        assert f'# {name}: ' in out
    assert out.count('forward, in the order of graph.nodes:') == 4
    assert '\n'.join(showgraph.trace(*examples.twice())) in out
    assert run('showgraph.py', 'twice', '--trace', check=0).stdout == (
        '# twice: A node used twice: c = g.add(a, a), with a = 3.\n'
        + '\n'.join(showgraph.trace(*examples.twice()))
        + '\n'
    )


def test_trace_of_a_big_graph_shows_shapes_and_norms():
    out = run('showgraph.py', '--trace', 'linear', check=0).stdout
    assert '  node 0 var w = <784x10, norm 0>' in out  # lin-train.py --init starts from zeros
    assert '    node 0 += node2^T dL/dnode4 = <784x10, norm ' in out


@pytest.mark.parametrize(
    'name, start', [('g.png', b'\x89PNG\r\n\x1a\n'), ('g.PDF', b'%PDF'), ('g.svg', b'<?xml')]
)
def test_the_picture_format_follows_the_file_name(tmp_path, name, start):
    g, names = examples.small_mlp()
    nn.forward(g)
    nn.backward(g)
    showgraph.draw(g, str(tmp_path / name), names)  # what --draw does (the command: below)
    assert (tmp_path / name).read_bytes().startswith(start)


def test_png_is_drawn_at_200_dpi_and_png_is_an_alias(tmp_path):
    run('showgraph.py', 'twice', '--png', tmp_path / 'g.png', check=0)
    png = (tmp_path / 'g.png').read_bytes()
    at = png.index(b'pHYs') + 4  # pixels per metre, x then y
    assert int.from_bytes(png[at : at + 4], 'big') == round(200 / 0.0254)


@pytest.mark.parametrize(
    'args, words',
    [
        (['twice', '--draw', 'g.xyz'], ['g.xyz: unknown figure format', '.png, .pdf or .svg']),
        (['twice', '--draw', 'g'], ['g: unknown figure format (no extension)']),
        ([], ['give an EXAMPLE']),
        (['twice', '--trace', '--dot'], ['not allowed']),
        (['nine'], ['invalid choice']),
    ],
)
def test_bad_command_lines(tmp_path, args, words):
    assert_fails(run('showgraph.py', *args, cwd=tmp_path), *words)
    assert list(tmp_path.iterdir()) == []


# --- The output, kept -------------------------------------------------------------------------


@pytest.mark.parametrize(
    'example', [None, 'first', 'twice', 'small-linear', 'small-mlp', 'linear', 'mlp']
)
def test_trace_prints_what_it_printed_when_the_golden_files_were_saved(example):
    # tests/golden/trace-EXAMPLE.txt (trace.txt: --trace alone), saved from the trace as it was
    # before showgraph.py was split: whatever builds the steps, the text stays the same
    args = ['--trace'] + ([example] if example else [])
    name = f'trace-{example}.txt' if example else 'trace.txt'
    with open(os.path.join(ROOT, 'tests', 'golden', name)) as f:
        assert run('showgraph.py', *args, check=0).stdout == f.read()
