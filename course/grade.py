#!/usr/bin/env python3
"""Grade a class: a folder of submissions in, a CSV out, one row per student, one column per
part, the total and notes.

    ./course/grade.py handout submissions grades.csv

`handout` is the teacher's handout folder (course/handout.py made it): its checker and data
grade every submission. In `submissions`, each folder or zip is one student's, named for the
student (alice/ or alice.zip); only the part files are taken from it. Each submission is checked
in its own temporary copy of the handout, in a process of its own with limits on time and
memory, inside bubblewrap where it works (course/sandbox.py says what that isolates, and what
is left without it). A submission that cannot be read, or whose code loops, crashes or grabs
memory, costs that student those parts and is said in the notes; the grader goes on.
"""

import concurrent.futures
import csv
import io
import json
import os
import sys
import time

if __package__ in (None, ''):  # ./course/grade.py: the project's folder, for its modules
    sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

from plumbing import atomic, errors, options
from plumbing.errors import UserError

from course import sandbox
from course.kit.checking import processes, report, submission

FIRST, LAST = 'student', ['total', 'notes']  # a grade sheet's first and last columns


def submissions(folder, part_files=()):
    """[(student, path)] of the folders and files in `folder`, by name; hidden ones skipped.
    UserError if there is none, if two are one student's (alice/ and alice.zip), or if one is a
    part file (nn.py): the folder given is then one student's, not the class's."""
    if not os.path.isdir(folder):
        raise UserError(f'{folder}: no such folder of submissions'
                        if not os.path.exists(folder) else f'{folder}: not a folder')  # fmt: skip
    found, seen = [], {}
    for name in sorted(os.listdir(folder)):
        if name in part_files:
            raise UserError(f'{folder}: holds {name}, a part file, at its top: it is one '
                            "student's submission, not a folder of them; put it in a folder "
                            'of its own, e.g. submissions/alice/, and grade that')  # fmt: skip
        if not name.startswith('.'):
            student = name[:-4] if name.lower().endswith('.zip') else name
            if student in seen:
                raise UserError(f'{os.path.join(folder, name)}: {student} has another '
                                f'submission, {seen[student]}; keep one')  # fmt: skip
            seen[student] = name + ('/' if os.path.isdir(os.path.join(folder, name)) else '')
            found.append((student, os.path.join(folder, name)))
    if not found:
        raise UserError(f'{folder}: no submission in it (a folder or a zip per student)')
    return found


def check_output(path, submissions_folder, header, students, overwrite=False):
    """UserError unless the CSV `path` can be written without destroying anything: a file there
    must be a grade sheet with the columns `header`, the same parts, and of no student missing
    from `students`, the class graded (or `overwrite`: another class's sheet, any file); and it
    must not be among the submissions."""
    inside = os.path.commonpath([os.path.abspath(path), os.path.abspath(submissions_folder)])
    if inside == os.path.abspath(submissions_folder):
        raise UserError(f'{path}: is in the submissions folder; write the grades elsewhere')
    if os.path.exists(path) and not overwrite:
        try:
            with open(path, newline='', encoding='utf-8') as f:
                old, *graded = list(csv.reader(f)) or [[]]
        except (OSError, UnicodeDecodeError, csv.Error):
            old, graded = [], []
        if old[:1] != [FIRST] or old[-2:] != LAST:
            raise UserError(f'{path}: exists and is not a grade sheet; not writing over it (give '
                            'another name, or --overwrite; make: OVERWRITE=1)')  # fmt: skip
        if old != header:
            raise UserError(f'{path}: the grade sheet of other parts ({", ".join(old[1:-2])}); '
                            'not writing over it (give another name, or --overwrite; make: '
                            'OVERWRITE=1)')  # fmt: skip
        # the same parts: a class graded again, or another section of the course
        gone = [row[0] for row in graded if row and row[0] not in students]
        if gone:
            raise UserError(f'{path}: the grade sheet of another class ({gone[0]} has no '
                            f'submission in {submissions_folder}); not writing over it (give '
                            'another name, or --overwrite; make: OVERWRITE=1)')  # fmt: skip
    atomic.check_output(path)


def cell(text):
    """A CSV cell that a spreadsheet shows as text, never runs: a leading =, +, - or @ quoted."""
    text = str(text)
    return "'" + text if text[:1] in ('=', '+', '-', '@') else text


def number(value):
    """2 for 2.0: points as a person writes them."""
    return int(value) if float(value).is_integer() else round(value, 2)


def grade(files, folder, entries, limits, jobs, use_sandbox):
    """[(student, {part: (score, message)} or None, notes, seconds)], in the students' order,
    each reported on stderr as it finishes; `files`: the handout's, as submission.pristine()
    read them; `entries`: [(student, path)] of the submissions in `folder`, as submissions()
    gives them."""
    processes.adopt_orphans()  # what a check leaves behind is given to this process, and killed
    most = sum(p['points'] for p in json.loads(files[submission.MARK])['parts'])

    def one(entry):
        student, path = entry
        started = time.monotonic()
        try:
            found, notes = sandbox.check_submission(
                files, path, limits, hide=[folder], sandbox=use_sandbox
            )
        except OSError as e:  # a file of the submission that cannot be read, say
            found, notes = None, [f'{path}: {e.strerror or e}']
        return student, found, notes, time.monotonic() - started

    results = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        try:
            for student, found, notes, seconds in pool.map(one, entries):
                total = sum(s for s, _ in found.values()) if found else 0
                print(f'grade.py: {student}: {number(total)}/{most} ({seconds:.0f} s)',
                      file=sys.stderr)  # fmt: skip
                results.append((student, found, notes, seconds))
        except KeyboardInterrupt:  # Ctrl-C: stop the checks now, not when they end
            sandbox.stop_all()
            pool.shutdown(cancel_futures=True)  # the running ones end at once, their copies gone
            raise
    return results


def brief(message):
    """A part's message for the notes: its stub's task left out, which every student has."""
    return 'not written yet' if message.startswith('not written yet') else message or '?'


def columns(manifest):
    """The grade sheet's header: the student, the parts of the handout, the total, the notes."""
    return [FIRST, *(p['name'] for p in manifest['parts']), *LAST]


def sheet(manifest, results):
    """The grade sheet's CSV text: a row per student, a column per part, total and notes."""
    names = [p['name'] for p in manifest['parts']]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator='\n')
    writer.writerow(columns(manifest))
    points = {p['name']: p['points'] for p in manifest['parts']}
    for student, checked, notes, _ in results:
        found = checked or dict.fromkeys(names, (0, ''))
        why = [f'{n}: {brief(found[n][1])}' for n in names if found[n][0] < points[n]]
        total = sum(score for score, _ in found.values())
        row = [student, *(number(found[n][0]) for n in names), number(total)]
        writer.writerow([cell(v) for v in [*row, '\n'.join([*notes, *why])]])
    return out.getvalue()


def main():
    parser = options.Parser(
        usage='%(prog)s HANDOUT SUBMISSIONS OUT.csv [options]',
        description='Grade each folder or zip of SUBMISSIONS with the checker of the handout '
        'folder HANDOUT, each in a sandbox; write one row per student to OUT.csv.',
    )
    parser.add_argument('handout', metavar='HANDOUT', help="the teacher's handout folder")
    parser.add_argument('folder', metavar='SUBMISSIONS', help='a folder of folders or zips')
    parser.add_argument('out', metavar='OUT.csv', help='the grade sheet to write')
    parser.add_argument(
        '--timeout',
        type=options.number(float, 0),
        default=20,
        metavar='S',
        help='seconds for each part (default: %(default)s)',
    )
    parser.add_argument(
        '--total-timeout',
        type=options.number(float, 0),
        default=240,
        metavar='S',
        help='seconds for a submission: the part running then is stopped, and it and the parts '
        'not started score 0 (default: %(default)s)',
    )
    parser.add_argument(
        '--memory',
        type=options.number(int, 64),
        default=1024,
        metavar='MB',
        help='memory for each process (default: %(default)s MB)',
    )
    parser.add_argument(
        '--jobs',
        type=options.number(int, 1),
        default=os.cpu_count() or 1,
        help='submissions checked at once (default: the cores, %(default)s)',
    )
    parser.add_argument(
        '--no-sandbox', action='store_true', help='never use bubblewrap, even where it works'
    )
    parser.add_argument(
        '--overwrite',
        action='store_true',
        help='write OUT.csv over any file there (by default, only over a grade sheet of the '
        'same parts)',
    )
    args = parser.parse_args()
    manifest_path = os.path.join(args.handout, 'check-data', 'handout.json')
    if not os.path.isfile(manifest_path):
        raise UserError(f'{args.handout}: not a handout folder (no {manifest_path})')
    files = submission.pristine(args.handout)
    manifest = json.loads(files[submission.MARK])
    part_files = {name for part in manifest['parts'] for name in part['files']}
    entries = submissions(args.folder, part_files)
    students = [student for student, _ in entries]
    check_output(args.out, args.folder, columns(manifest), students, args.overwrite)
    count = len(students)
    use_sandbox = not args.no_sandbox and sandbox.bwrap() is not None
    why = 'turned off by --no-sandbox' if args.no_sandbox else 'no working bwrap'
    print(
        f'grade.py: {report.plural(count, "submission")}, '
        f'{report.plural(len(manifest["parts"]), "part")}, '
        + (
            'each in bubblewrap'
            if use_sandbox
            else f'WITHOUT a sandbox ({why}): limits and temporary copies only'
        ),
        file=sys.stderr,
    )
    limits = {'timeout': args.timeout, 'total': args.total_timeout, 'memory': args.memory}
    started = time.monotonic()
    results = grade(files, args.folder, entries, limits, args.jobs, use_sandbox)
    with atomic.output_file(args.out) as f:
        f.write(sheet(manifest, results).encode('utf-8'))
    print(
        f'grade.py: {report.plural(count, "submission")} graded in '
        f'{time.monotonic() - started:.0f} s -> {args.out}',
        file=sys.stderr,
    )


if __name__ == '__main__':
    errors.in_one_line()
    main()
