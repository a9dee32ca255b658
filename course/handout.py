#!/usr/bin/env python3
"""Make a student's handout of the project: a folder and a zip, with parts left to write.

    ./course/handout.py handout                               # the default parts
    ./course/handout.py handout --parts backward:mul,sgd      # these parts
    ./course/handout.py handout --parts all                   # every part
    ./course/handout.py --list                                # the parts that can be chosen

Each chosen part of the code becomes a stub that raises NotImplementedError with its task
(course/transform.py); the rest is the project's own code, so the handout cannot drift from the
solution. The folder holds the student's README (course/student-readme.md, filled in), the
checker (course/kit/) and its data, computed from the solution (course/expected.py), and no
answer: the answers of the chosen parts are searched for in the folder and the zip before they
are kept (course/leaks.py). The zip holds the folder's files at its root, with the setup.sh and
run_autograder that Gradescope wants there.
"""

import argparse
import dataclasses
import glob
import hashlib
import json
import os
import shutil
import stat
import string
import sys
import tempfile
import time
import zipfile

if __package__ in (None, ''):  # ./course/handout.py: the project's folder, for its modules
    sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

from plumbing import atomic, errors, options
from plumbing.errors import UserError

import numpy

from course import catalogue, expected, leaks, transform
from course.kit.checking import report, submission

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KIT = os.path.join(ROOT, 'course', 'kit')
# The project's files that a handout ships: the library, the scripts, their tools and the data
CODE = [
    'nn.py', 'checks.py', 'numerics.py', 'formulas.py', 'allocator.py', 'gradcheck.py',
    'mnist.py', 'lin-train.py', 'mlp-train.py', 'lin-test.py', 'mlp-test.py', 'avg_loss.py',
    'plot_logs.py', 'param-info.py', 'showgraph.py',
]  # fmt: skip
FOLDERS = ['plumbing', 'graphview', 'data']
MARK = submission.MARK  # check-data/handout.json: what makes a folder or a zip a handout
CACHES = {'__pycache__', '.venv'}  # folders that running a handout adds: no one's work
SEED = 17  # of the generated shapes and values: the same handout each time
EXECUTABLE = {'check.py', 'setup.sh', 'run_autograder'}


def make(out, parts, zip_path, overwrite=False):
    """Write the handout of `parts` to the folder `out` and the zip `zip_path`, whole or not
    at all; an existing handout there is replaced if it is as it was made (or `overwrite`),
    anything else refused first."""
    refuse_to_replace(out, zip_path, overwrite)
    code = sources()
    student, removed = transform.transform(code, parts)
    parts = [with_helpers(p, removed[p.name]) for p in parts]
    parent = os.path.dirname(os.path.abspath(out))
    work = tempfile.mkdtemp(dir=parent, prefix=f'.{os.path.basename(out)}.partial-')
    try:
        os.chmod(work, 0o755)
        build(work, parts, student)
        found = leaks.search(work, leaks.solution_texts(code, removed), leaks.patterns(parts))
        if found:  # a bug of the kit's, never a handout with an answer in it
            part, text, name = found[0]
            raise UserError(f'{name}: holds the answer of {part} ({text!r}); no handout written')
        refuse_to_replace(out, zip_path, overwrite)  # again: someone may have worked there since
        with atomic.output_file(zip_path) as f:
            write_zip(work, f)
        replace(work, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def refuse_to_replace(out, zip_path, overwrite=False):
    """UserError if `out` is a non-empty folder, or `zip_path` a file, that is not a handout, or
    if either cannot be written; and, unless `overwrite`, if `out` holds a file that its maker
    did not write as it is (see edited)."""
    parent = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(parent) or not os.access(parent, os.W_OK):
        raise UserError(f'{out}: cannot write in {parent} (not a folder, or not writable)')
    atomic.check_output(zip_path)
    if os.path.exists(out):
        if not os.path.isdir(out):
            raise UserError(f'{out}: exists and is not a folder; not writing a handout over it')
        if os.listdir(out) and not os.path.isfile(os.path.join(out, MARK)):
            raise UserError(
                f'{out}: a folder that is not empty and not a handout (no {MARK}); not writing '
                'over it (give another folder)'
            )
        problem = None if overwrite else edited(out)
        if problem:
            raise UserError(
                f'{os.path.join(out, problem)}; not replacing the handout, which would delete it '
                '(make handout OVERWRITE=1, or --overwrite, replaces it all the same)'
            )
    if os.path.exists(zip_path):
        try:
            with zipfile.ZipFile(zip_path) as z:
                handout = MARK in z.namelist()
        except (zipfile.BadZipFile, OSError):
            handout = False
        if not handout:
            raise UserError(f'{zip_path}: exists and is not a handout zip; not writing over it')


def edited(out):
    """'PATH: what' of the first file of the handout folder `out` that course/handout.py did not
    write as it is: changed since, or added (a student's work, say); caches aside. None if all
    are as written."""
    try:
        with open(os.path.join(out, MARK), encoding='utf-8') as f:
            listed = json.load(f)['files']
    except (OSError, ValueError, KeyError, TypeError):
        return f'{MARK}: lists no files to compare with (an older handout?)'
    for path, digest in files(out).items():
        if path not in listed:
            return f'{path}: not made with the handout'
        if digest != listed[path]:
            return f'{path}: changed since the handout was made'
    return None


def with_helpers(part, removed):
    """The part, with numerics.py among its files if a function of numerics.py that only its
    code called was taken out: the student may write one there, and it is then graded too."""
    if any(r.file == 'numerics.py' for r in removed) and 'numerics.py' not in part.files:
        return dataclasses.replace(part, files=(*part.files, 'numerics.py'))
    return part


def build(folder, parts, student):
    """Write the handout's files into the empty folder `folder`: the project's folders, the
    student's code over them, the kit, the checker's data, the manifest and the README."""
    skip = shutil.ignore_patterns('__pycache__', '*.pyc', '.*')
    for name in FOLDERS:
        shutil.copytree(os.path.join(ROOT, name), os.path.join(folder, name), ignore=skip)
    for path, text in student.items():
        with open(os.path.join(folder, path), 'w', encoding='utf-8') as f:
            f.write(text)
    for name in os.listdir(KIT):
        source = os.path.join(KIT, name)
        if os.path.isdir(source):
            shutil.copytree(source, os.path.join(folder, name), ignore=skip)
        else:
            shutil.copyfile(source, os.path.join(folder, name))
    listed = expected.write(folder, parts, numpy.random.default_rng(SEED))
    with open(os.path.join(folder, 'README.md'), 'w', encoding='utf-8') as f:
        f.write(readme(parts))
    for top, _, names in os.walk(folder):  # no file named seems missing from the handout
        for path in [os.path.join(top, n) for n in names if n.endswith(('.py', '.md'))]:
            with open(path, encoding='utf-8') as f:
                text = f.read()
            with open(path, 'w', encoding='utf-8') as f:
                f.write(transform.qualify(text, python=path.endswith('.py')))
    for name in CODE + sorted(EXECUTABLE):
        path = os.path.join(folder, name)
        if os.access(os.path.join(ROOT, name), os.X_OK) or name in EXECUTABLE:
            os.chmod(path, 0o755)
    manifest = {
        'made_by': 'the full project\'s course/handout.py, of the tutorial "Computation Graphs"',
        'parts': [p.manifest() for p in parts],
        'cases': listed,
        'files': files(folder),  # the grader takes the stubs from these, if they are unchanged
    }
    with open(os.path.join(folder, MARK), 'w', encoding='utf-8') as f:
        json.dump(manifest, f, indent=1)


def files(folder):
    """{path: SHA-256} of the files under `folder`, in name order, but the manifest and what
    running the handout adds (CACHES)."""
    found = {}
    for top, subfolders, names in os.walk(folder):
        subfolders[:] = sorted(s for s in subfolders if s not in CACHES)
        for name in sorted(names):
            path = os.path.relpath(os.path.join(top, name), folder).replace(os.sep, '/')
            if path != MARK:
                with open(os.path.join(top, name), 'rb') as f:
                    found[path] = hashlib.sha256(f.read()).hexdigest()
    return found


def sources():
    """{path: text} of the project's Python files that the handout ships and may change: CODE,
    and the modules of its folders (a docstring there may give an answer away)."""
    found = {}
    modules = [
        path for name in FOLDERS for path in sorted(glob.glob(f'{name}/*.py', root_dir=ROOT))
    ]
    for path in CODE + modules:
        with open(os.path.join(ROOT, path), encoding='utf-8') as f:
            found[path] = f.read()
    return found


def readme(parts):
    """The student's README: course/student-readme.md with the parts, the report that the
    handout prints as it is, and the node types' table with the chosen parts' formulas left out."""
    with open(os.path.join(ROOT, 'course', 'student-readme.md'), encoding='utf-8') as f:
        template = string.Template(f.read())
    rows = ['| part | file | points | tutorial | your task |', '| --- | --- | --- | --- | --- |']
    for p in parts:
        task = p.task.split(': ', 1)[1]
        files = ', '.join(f'`{f}`' for f in p.files)
        rows.append(f'| `{p.name}` | {files} | {p.points} | {p.section} | {task} |')
    files = sorted({f for p in parts for f in p.files})
    unwritten = {p.name: ('not written', p.task) for p in parts}
    lines = report.text(report.rows([p.manifest() for p in parts], unwritten))
    return template.substitute(
        parts='\n'.join(rows),
        files=', '.join(f'`{f}`' for f in files),
        report='\n'.join(lines),
        example=f'{parts[0].name:<17} ',
        nodes=node_table({p.name: p for p in parts}),
    )


def node_table(chosen):
    """The README's table of node types, a chosen forward's value and a chosen backward's
    formulas replaced by 'your part'; `chosen` is {name: Part}."""
    with open(os.path.join(ROOT, 'README.md'), encoding='utf-8') as f:
        lines = f.read().splitlines()
    start = lines.index('| node type | builder | value | backward (what each child receives) |')
    table = []
    for line in lines[start:]:
        if not line.startswith('|'):
            break
        cells = line.split(' | ')
        node_type = cells[0].strip('| `')
        if f'forward:{node_type}' in chosen:
            cells[2] = f'your part ({chosen[f"forward:{node_type}"].section}): see its builder'
        if f'backward:{node_type}' in chosen:
            cells[3] = f'your part ({chosen[f"backward:{node_type}"].section}) |'
        table.append(' | '.join(cells))
    return '\n'.join(table)


def write_zip(folder, f):
    """The folder's files into the open binary file `f` as a zip, at its root, in name order,
    with a fixed date and their modes; the data, gzipped already, stored as it is."""
    with zipfile.ZipFile(f, 'w') as z:
        for top, subfolders, names in os.walk(folder):
            subfolders.sort()
            for name in sorted(names):
                path = os.path.join(top, name)
                info = zipfile.ZipInfo(os.path.relpath(path, folder), (1980, 1, 1, 0, 0, 0))
                info.external_attr = (stat.S_IFREG | os.stat(path).st_mode & 0o777) << 16
                info.compress_type = (
                    zipfile.ZIP_STORED if name.endswith('.gz') else zipfile.ZIP_DEFLATED
                )
                with open(path, 'rb') as data:
                    z.writestr(info, data.read())


def replace(work, out):
    """Put the finished folder `work` in the place of `out` (an old handout, or nothing)."""
    if os.path.exists(out):
        old = tempfile.mkdtemp(dir=os.path.dirname(os.path.abspath(out)), prefix='.old-handout-')
        os.rename(out, os.path.join(old, 'handout'))
        os.rename(work, out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(work, out)


def counted(parts):
    """'1 part, 2 points': how many parts, and their points."""
    points = sum(p.points for p in parts)
    return f'{report.plural(len(parts), "part")}, {report.plural(points, "point")}'


def main():
    parser = options.Parser(
        usage='%(prog)s OUT [--parts default|all|NAME,NAME...] [--zip FILE] [--overwrite]\n'
        '       %(prog)s --list',
        description='Write a handout of the project to the folder OUT and to OUT.zip: the '
        'chosen parts left for the students, each a stub that says what to write, and a '
        'checker that grades them.',
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument('out', nargs='?', metavar='OUT', help='the folder to write')
    parser.add_argument(
        '--parts',
        default='default',
        metavar='PARTS',
        help="'default', 'all', or part names with commas (see --list)",
    )
    parser.add_argument('--zip', metavar='FILE', help='the zip to write (default: OUT.zip)')
    parser.add_argument(
        '--overwrite',
        action='store_true',
        help='replace a handout at OUT even if files there were changed or added since it was '
        'made (by default, refused)',
    )
    parser.add_argument('--list', action='store_true', help='list the parts and stop')
    args = parser.parse_args()
    if args.list:
        default = set(catalogue.DEFAULT)
        for p in catalogue.catalogue().values():
            mark = '*' if p.name in default else ' '
            points = report.plural(p.points, 'point')
            print(f'{mark} {p.name:<24} {points:<9} {", ".join(p.files):<28} {p.task}')
        print('* the default parts')
        return
    if not args.out:
        parser.error('give the folder to write, OUT')
    out = os.path.normpath(args.out)
    zip_path = args.zip or out + '.zip'
    parts = catalogue.resolve(args.parts)
    started = time.time()
    make(out, parts, zip_path, args.overwrite)
    size = os.path.getsize(zip_path) / 1e6
    print(
        f'handout.py: {counted(parts)} -> {out}/ and '
        f'{zip_path} ({size:.1f} MB), in {time.time() - started:.1f} s',
        file=sys.stderr,
    )


if __name__ == '__main__':
    errors.in_one_line()
    main()
