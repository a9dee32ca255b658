#!/usr/bin/env python3
"""A made-up class, to time the grader on: N submissions made from the project's own code.

    python3 bench/class.py 10 submissions     # then: time make grade

In turn: a complete project (a folder), the same zipped with its folder in it, half of the
default parts left as the handout has them, a wrong sign in the logistic's backward and an
average that skips the last loss, and a backward that loops forever (it costs its part's
--timeout). Each is a folder or zip of the part files of the default handout.
"""

import os
import shutil
import sys
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FILES = ['nn.py', 'numerics.py', 'lin-train.py', 'mlp-train.py', 'lin-test.py', 'mlp-test.py',
         'avg_loss.py', 'plot_logs.py']  # fmt: skip
KINDS = {
    'complete': [],
    'zipped': [],
    'half-done': [('lin-train.py', None), ('mlp-train.py', None), ('plot_logs.py', None),
                  ('lin-test.py', None), ('mlp-test.py', None)],
    'wrong': [('nn.py', ('add_grad(n, 0, n.grad * numerics.logistic_slope(',
                         'add_grad(n, 0, -n.grad * numerics.logistic_slope(')),
              ('avg_loss.py', ('fsum(losses) / len(losses)', 'fsum(losses[:-1]) / len(losses)'))],
    'looping': [('nn.py', ('add_grad(n, 0, n.grad * numerics.logistic_slope(c[0].value))',
                           'while True:\n                pass'))],
}  # fmt: skip


def make(folder, kind):
    """One submission of `kind` in the folder `folder` (a file left out: changes None)."""
    os.makedirs(folder)
    changes = dict(KINDS[kind])
    for name in FILES:
        if name in changes and changes[name] is None:
            continue  # not written: the handout's stub is graded
        with open(os.path.join(ROOT, name)) as f:
            text = f.read()
        if name in changes:
            right, wrong = changes[name]
            assert text.count(right) == 1, right
            text = text.replace(right, wrong)
        with open(os.path.join(folder, name), 'w') as f:
            f.write(text)


def main():
    count, out = int(sys.argv[1]), sys.argv[2]
    os.makedirs(out, exist_ok=False)
    kinds = list(KINDS)
    for i in range(count):
        kind = kinds[i % len(kinds)]
        name = f'student-{i + 1:03d}-{kind}'
        make(os.path.join(out, name), kind)
        if kind == 'zipped':
            with zipfile.ZipFile(os.path.join(out, name + '.zip'), 'w') as z:
                for file in sorted(os.listdir(os.path.join(out, name))):
                    z.write(os.path.join(out, name, file), f'{name}/{file}')
            shutil.rmtree(os.path.join(out, name))
    print(f'class.py: {count} submissions in {out}/', file=sys.stderr)


if __name__ == '__main__':
    main()
