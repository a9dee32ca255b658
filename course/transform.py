"""The student's version of the project's code: each chosen part replaced by a stub, found with
the ast module, and what only served that part taken out.

    student, removed = transform(sources, parts)

`sources` is {path: text} of the files the handout ships. A part is found where catalogue.py
says: a case `elif n.type == 'T':` of nn.forward or nn.backward (its body, with the comment lines
above its first statement), a function's body after its docstring, the statements between
`nn.backward(g)` and `log.write(...)` in a training script's loop (the SGD step), or the
statements that add to `wrong` and `total` in a test script's loop (the count). Each becomes

    # Your part, tutorial section 1.2: ./check.py --part backward:mul checks it.
    raise NotImplementedError('backward of mul: add_grad(n, 0, dL/dx) and ...')

Then: a function of numerics.py that only the removed code called is removed (its docstring
states the math), formulas.py's strings of a chosen part become placeholders (a chosen
backward's gradients 'dL/da = ?', a chosen forward's value 'mul({0}, {1})'), and the texts of
REWRITES change: what gives away a chosen part's answer, or a discussion question's, elsewhere.

`removed` is {part name: [Removed]}: the lines of the original taken out for that part, and the
strings replaced, for leaks.py to look for in the handout; the discussion questions' are under
DISCUSSION.
"""

import ast
import collections
import io
import re
import textwrap
import tokenize

Removed = collections.namedtuple('Removed', 'file first last strings')
Removed.__doc__ = """Lines first..last (1-based, inclusive) of a file's original text taken out
for a part; or, with `strings`, the strings replaced on those lines (formulas.py's, REWRITES')."""

DISCUSSION = 'the discussion questions'  # every handout asks them (course/answers.md answers)
# (for whom, file, text, the handout's text): what gives an answer away outside a part's code,
# for a chosen part, or for the discussion questions in every handout. Each text must be in the
# project's code (or the kit is out of date), in the handout unless a stub took it out.
REWRITES = [
    (DISCUSSION, 'nn.py', 'in the order they were created. A node is built from nodes\n    that '
     'exist, so children come before their parents: nodes is already a topological order.',
     'in the order they were created.'),  # why graph.nodes is a topological order
    (DISCUSSION, 'nn.py', " in reverse, so a node's gradient is complete before it is passed on.",
     ' in reverse.'),  # why backward goes in reverse
    (DISCUSSION, 'graphview/trace.py', " A node's gradient is complete before it passes it on,\n"
     '    so this is also the gradient that each of its contributions was computed from.', ''),
    (DISCUSSION, 'graphview/picture.py', '  # children come first, so their columns are known',
     ''),  # why graph.nodes is a topological order, in a comment
    (DISCUSSION, 'nn.py', 'a zero gradient to add to with +=, unless',
     'a zero gradient, unless'),  # why no initialization in forward
    (DISCUSSION, 'nn.py', ' rather than added to zeros', ''),
    (DISCUSSION, 'nn.py', '    A node used by several parents, or twice by one, gets the sum of '
     'their contributions. A\n    delta', '    A delta'),  # why +=
    ('sgd', 'checks.py', 'w.value -= lr * w.grad', 'an SGD step on w.value'),
    ('avg_loss', 'avg_loss.py', ', summed exactly (math.fsum): 60,000 of them, in any order.',
     ' (a log of an epoch has 60,000).'),
    ('avg_loss', 'plumbing/logs.py', 'average = math.fsum(block) / len(block)\n        if '
     "average > DIVERGED:\n            raise UserError(\n"
     "                f'the loss diverged: {average:.3g}",
     "if math.fsum(block) > DIVERGED * len(block):\n            raise UserError(\n"
     "                f'the loss diverged: over {DIVERGED:g}"),
    ('backward:sum', 'checks.py', 'numpy.full(value.shape, grad)',
     'grad * numpy.ones(value.shape, grad.dtype)'),
]  # fmt: skip


# The project's folders that no handout ships: a path in them, named in a comment, a docstring or
# a README of the handout, becomes the full project's (qualify), so that none seems missing
ELSEWHERE = ('tests', 'bench', 'course')
FULL = "the full project's "
WIDTH = 99  # characters of a line, as the project writes them
PATH = r'`?(?:\./)?(?:{})/[\w./-]*`?'.format('|'.join(ELSEWHERE))
MENTION = re.compile(rf'(?<![\w./`-]){PATH}(?:(?:,| and| or) {PATH})*')


def transform(sources, parts):
    """({path: student text}, {part name: [Removed]}) for the chosen parts."""
    removed = {p.name: [] for p in parts}
    edits = collections.defaultdict(list)  # path: [(first, last, new lines)]
    for part in parts:
        for path, first, last, indent in locate(part, sources):
            edits[path].append((first, last, stub(part, indent)))
            removed[part.name].append(Removed(path, first, last, ()))
    student = {path: splice(text, edits[path]) for path, text in sources.items()}
    helpers = unused_helpers(sources, student)
    for name, (first, last) in helpers:
        owner = next(
            part for part in parts for r in removed[part.name]
            if f'numerics.{name}' in ''.join(lines(sources, r))
        )  # fmt: skip
        removed[owner.name].append(Removed('numerics.py', first, last, ()))
    if helpers:  # all at once: each removal's line numbers are the original's
        student['numerics.py'] = splice(sources['numerics.py'], [(*h, []) for _, h in helpers])
    if 'formulas.py' in sources:
        student['formulas.py'], replaced = placeholders(student['formulas.py'], parts)
        for name, found in replaced.items():
            removed[name] += [Removed('formulas.py', line, line, (s,)) for line, s in found]
    chosen = {p.name for p in parts} | {DISCUSSION}
    for who, path, old, new in REWRITES:
        if who in chosen:
            if old not in sources[path]:
                raise LookupError(f'{path} no longer has the text that REWRITES changes: {old!r}')
            student[path] = student[path].replace(old, new)
            first = sources[path].count('\n', 0, sources[path].index(old)) + 1
            removed.setdefault(who, []).append(
                Removed(path, first, first + old.count('\n'), (old,))
            )
    return student, removed


def lines(sources, r):
    """The original lines of a Removed."""
    return sources[r.file].splitlines(keepends=True)[r.first - 1 : r.last]


def locate(part, sources):
    """[(path, first line, last line, indent)] of the code a part replaces, one per file."""
    kind = part.where[0]
    found = []
    for path in part.files:
        tree = ast.parse(sources[path])
        if kind == 'case':
            found.append((path, *case(tree, *part.where[1:])))
        elif kind == 'function':
            found.append((path, *function_body(tree, part.where[1])))
        elif kind == 'step':
            found.append(
                (path, *between(loop(tree), call('nn', 'backward'), call('log', 'write')))
            )
        elif kind == 'count':
            found.append((path, *adding_to(tree, {'wrong', 'total'})))
        else:
            raise ValueError(f'{part.name}: unknown kind of place {kind!r}')
    return found


def case(tree, function, node_type):
    """(first, last, indent) of the body of `if/elif n.type == node_type:` in `function`,
    from the line after its test (comment lines above the first statement included)."""
    body = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == function)
    for node in ast.walk(body):
        if isinstance(node, ast.If) and is_type_test(node.test, node_type):
            return node.test.end_lineno + 1, node.body[-1].end_lineno, node.body[0].col_offset
    raise LookupError(f'no case {node_type!r} in {function}')


def is_type_test(test, node_type):
    """Whether `test` is `n.type == node_type`."""
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Attribute)
        and test.left.attr == 'type'
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Eq)
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value == node_type
    )


def function_body(tree, name):
    """(first, last, indent) of a module-level function's body after its docstring."""
    func = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name)
    doc = func.body[0]
    if not (isinstance(doc, ast.Expr) and isinstance(doc.value, ast.Constant)):
        raise LookupError(f'{name} has no docstring: its task would have no statement')
    return doc.end_lineno + 1, func.body[-1].end_lineno, doc.col_offset


def loop(tree):
    """The first `for` loop at the module's top level: a script's loop over the samples."""
    return next(n for n in tree.body if isinstance(n, ast.For))


def call(owner, method):
    """A test for the statement `owner.method(...)`."""

    def matches(stmt):
        return (
            isinstance(stmt, ast.Expr)
            and isinstance(stmt.value, ast.Call)
            and isinstance(stmt.value.func, ast.Attribute)
            and stmt.value.func.attr == method
            and isinstance(stmt.value.func.value, ast.Name)
            and stmt.value.func.value.id == owner
        )

    return matches


def between(block, after, before):
    """(first, last, indent) of the statements of block's body strictly between the one that
    `after` matches and the one that `before` matches (comment lines included)."""
    body = block.body
    start = next(i for i, s in enumerate(body) if after(s))
    end = next(i for i, s in enumerate(body) if i > start and before(s))
    if end == start + 1:
        raise LookupError('nothing between the two statements')
    return body[start].end_lineno + 1, body[end - 1].end_lineno, body[start].col_offset


def adding_to(tree, names):
    """(first, last, indent) of the run of `name += ...` statements, for `names`, in a loop."""
    for node in ast.walk(tree):
        if isinstance(node, ast.For):
            run = [
                s for s in node.body
                if isinstance(s, ast.AugAssign) and getattr(s.target, 'id', None) in names
            ]  # fmt: skip
            if {s.target.id for s in run} == names:
                return run[0].lineno, run[-1].end_lineno, run[0].col_offset
    raise LookupError(f'no loop adding to {sorted(names)}')


def stub(part, indent):
    """The lines that replace a part: a comment to the tutorial's section and the checker, and
    a NotImplementedError with the part's task, lines under 100 characters."""
    pad = ' ' * indent
    head = f'{pad}# Your part, tutorial {part.section}:'
    check = f'./check.py --part {part.name} checks it.'
    comment = [f'{head} {check}'] if len(head + check) < 99 else [head, f'{pad}# {check}']
    one = f'{pad}raise NotImplementedError({part.task!r})'
    if len(one) < 100:
        return [*comment, one]
    chunks = textwrap.wrap(part.task, 99 - indent - 7, break_long_words=False)
    quoted = [repr(c + ' ') for c in chunks[:-1]] + [repr(chunks[-1])]
    return [
        *comment,
        f'{pad}raise NotImplementedError(',
        *[f'{pad}    {q}' for q in quoted],
        f'{pad})',
    ]


def splice(text, edits):
    """text with lines first..last of each edit replaced by its new lines (bottom up, so that
    the line numbers of the others stay right)."""
    found = text.splitlines(keepends=True)
    for first, last, new in sorted(edits, reverse=True):
        found[first - 1 : last] = [line + '\n' for line in new]
    return ''.join(found)


def numerics_calls(text):
    """The names X of the calls numerics.X(...) in a Python text."""
    return {
        node.attr
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == 'numerics'
    }


def unused_helpers(sources, student):
    """[(name, (first, last))] of the functions of numerics.py that the original code called
    and the student's does not: each, with the blank lines before it, to be removed."""
    if 'numerics.py' not in sources:
        return []
    python = [p for p in sources if p.endswith('.py')]
    before = set().union(*(numerics_calls(sources[p]) for p in python))
    after = set().union(*(numerics_calls(student[p]) for p in python))
    text = sources['numerics.py'].splitlines()
    found = []
    for node in ast.parse(sources['numerics.py']).body:
        if isinstance(node, ast.FunctionDef) and node.name in before - after:
            first = node.lineno
            while first > 1 and not text[first - 2].strip():
                first -= 1  # the blank lines that separate it from the one before
            found.append((node.name, (first, node.end_lineno)))
    return found


def placeholders(text, parts):
    """(formulas.py's text with the strings of the chosen parts replaced, {part: [(line, original
    string)]}): a chosen backward's gradients become 'dL/da = ?', a chosen forward's value
    'mul({0}, {1})'."""
    chosen = {p.name for p in parts}
    tree = ast.parse(text)
    table = next(
        n.value for n in tree.body
        if isinstance(n, ast.Assign) and getattr(n.targets[0], 'id', None) == 'FORMULAS'
    )  # fmt: skip
    edits, replaced = [], collections.defaultdict(list)
    for key, entry in zip(table.keys, table.values, strict=True):
        node_type = key.value
        value, gradients = entry.elts
        if f'forward:{node_type}' in chosen:
            arity = len(gradients.elts)
            new = '{}({})'.format(node_type, ', '.join(f'{{{i}}}' for i in range(arity)))
            if new != value.value:
                edits.append((value, new))
                replaced[f'forward:{node_type}'].append((value.lineno, value.value))
        if f'backward:{node_type}' in chosen:
            for g in gradients.elts:
                edits.append((g, g.value.split(' = ')[0] + ' = ?'))
                replaced[f'backward:{node_type}'].append((g.lineno, g.value))
    rows = text.splitlines(keepends=True)
    for node, new in sorted(edits, key=lambda e: (e[0].lineno, e[0].col_offset), reverse=True):
        row = rows[node.lineno - 1].encode()  # ast's columns count bytes
        assert node.lineno == node.end_lineno, 'a formula on one line'
        row = row[: node.col_offset] + repr(new).encode() + row[node.end_col_offset :]
        rows[node.lineno - 1] = row.decode()
    return ''.join(rows), dict(replaced)


def qualify(text, python):
    """text with each mention of a path under ELSEWHERE made the full project's ("the full
    project's tests/extremes.py"; "The ..." where a sentence starts), and the lines of its
    paragraph kept within WIDTH. In Python (`python`), in comments and docstrings only, never in
    a string of the code; in other text, in its paragraphs (not in code blocks or tables)."""
    lines = text.split('\n')
    regions = python_prose(text) if python else text_prose(lines)
    for first, last, lead, column in sorted(regions, reverse=True):  # bottom up: lines inserted
        before, found = '', False
        for i in range(first, last + 1):
            prose = lines[i][column:]
            for m in reversed(list(MENTION.finditer(prose))):  # from the right: m.start() holds
                said = full(before + prose[: m.start()])
                found |= bool(said)
                lines[i] = lines[i][: column + m.start()] + said + lines[i][column + m.start() :]
            before += prose + '\n'
        if found:
            wrap(lines, first, last + 1, lead, column)
    return '\n'.join(lines)


def full(before):
    """FULL, or '' after it already, or 'The full ...' where the text `before` ends a sentence."""
    if re.search(r"full project's (\S+(,| and| or) )*`?$", before, re.IGNORECASE):
        return ''
    words = re.sub(r'"""|\'\'\'|#', ' ', before)
    starts = not words.strip() or re.search(r'([.!?]|\n\s*\n)\s*$', words)
    return FULL[0].upper() + FULL[1:] if starts else FULL


def wrap(lines, first, end, lead, column):
    """Keep lines first..end-1, a paragraph, within WIDTH: a long line's last words go to the
    start of the next line, if it goes on with the paragraph, or to a new line `lead` + words."""
    i = first
    while i < end:
        cut = lines[i].rfind(' ', 0, WIDTH + 1)
        if len(lines[i]) > WIDTH and cut > max(len(lead), column + 2):
            head, tail = lines[i][:cut].rstrip(), lines[i][cut + 1 :]
            lines[i] = head
            after = lines[i + 1] if i + 1 < end else ''
            rest = after[len(lead) :] if after.startswith(lead) else ''
            goes_on = rest[:1].strip() and not re.match(r'([-*+]|\d+\.) |"""|\'\'\'', rest)
            if goes_on:
                lines[i + 1] = lead + tail + ' ' + after[len(lead) :]
            else:
                lines.insert(i + 1, lead + tail)
                end += 1
        i += 1


def python_prose(text):
    """[(first, last, lead, column)] of a Python text's docstrings and comments: their lines
    (0-based, inclusive), what starts a line of theirs, and the column where their text starts."""
    regions = []
    kinds = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, kinds) and ast.get_docstring(node, clean=False) is not None:
            doc = node.body[0]
            regions.append((doc.lineno - 1, doc.end_lineno - 1, ' ' * doc.col_offset, 0))
    lines = text.split('\n')
    comments = [
        (t.start[0] - 1, t.start[1])
        for t in tokenize.generate_tokens(io.StringIO(text).readline)
        if t.type == tokenize.COMMENT
    ]
    for line, column in comments:  # a run of whole-line comments at one column is one region
        last = regions[-1] if regions else None
        alone = not lines[line][:column].strip()
        if last and alone and last[1] == line - 1 and last[3] == column and last[2].endswith('# '):
            regions[-1] = (last[0], line, last[2], column)
        else:
            lead = ' ' * column if alone else ' ' * (len(lines[line]) - len(lines[line].lstrip()))
            regions.append((line, line, lead + '# ', column))
    return regions


def text_prose(lines):
    """[(first, last, lead, 0)] of the paragraphs of a text (Markdown): runs of lines that are
    not blank, a heading, a table's row or in a code block."""
    regions, start, code = [], None, False
    for i, line in enumerate([*lines, '']):
        code ^= line.startswith('```')
        plain = line.strip() and not code and not line.startswith(('```', '#', '|', '    '))
        if plain and start is None:
            start = i
        elif not plain and start is not None:
            second = lines[start + 1] if i - start > 1 else ''
            regions.append((start, i - 1, second[: len(second) - len(second.lstrip())], 0))
            start = None
    return regions
