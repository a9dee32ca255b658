#!/usr/bin/env python3
"""Check your parts of the handout: one line per part, its points, and whether it passes.

    ./check.py                          # every part (make check does the same)
    ./check.py --part backward:mul      # one part, and the parts its check needs
    ./check.py --list                   # the parts, their files and points
    ./check.py --json results.json      # the same in Gradescope's results format

A part that fails says the first thing wrong, and the tutorial's section to read. Each part is
checked in a process of its own, with a limit on its time (--timeout) and memory (--memory).
"""

import json
import os
import sys
import tempfile
import time

# first: from here on, a user's mistake is one line on stderr; numpy is checked
from plumbing import atomic, options
from plumbing.errors import UserError

from checking import parts, processes, report, submission

ROOT = os.path.dirname(os.path.abspath(__file__))


# Set by run_autograder, in Gradescope's container of one submission: the one place where a
# student's code may run with no sandbox of the checker's own.
CONTAINER = 'CHECK_IN_A_CONTAINER'


def main():
    parser = options.Parser(
        usage='%(prog)s [--part NAME ...] [--json FILE] [--list]',
        description='Check your parts of the handout: one line per part, its points, and '
        'for a part that fails, the first thing wrong.',
    )
    parser.add_argument('--part', action='append', default=[], metavar='NAME',
                        help='check only this part (and what its check needs); repeat it or '
                        'give NAME,NAME')  # fmt: skip
    parser.add_argument('--list', action='store_true', help='list the parts and stop')
    parser.add_argument('--json', metavar='FILE', help="also write Gradescope's results.json "
                        "to FILE ('-': standard output, the lines going to stderr)")  # fmt: skip
    parser.add_argument('--timeout', type=options.number(float, 0), default=30, metavar='S',
                        help='seconds for each part (default: %(default)s)')  # fmt: skip
    parser.add_argument('--total-timeout', type=options.number(float, 0), metavar='S',
                        help='seconds for the whole check: the part running then is '
                        'stopped, and it and the parts not started score 0')  # fmt: skip
    parser.add_argument('--memory', type=options.number(int, 64), default=1024, metavar='MB',
                        help='memory for each part (default: %(default)s MB)')  # fmt: skip
    parser.add_argument('--submission', metavar='PATH',
                        help='check the part files of a submission (a folder or a zip) in a '
                        "temporary copy of this handout: what Gradescope's run_autograder "
                        "does. Refused outside Gradescope's container (where run_autograder "
                        f"sets {CONTAINER}=1): a student's code would run as you, with no "
                        'sandbox; make grade checks one in a sandbox')  # fmt: skip
    args = parser.parse_args()
    started = time.monotonic()
    if not os.path.isfile(os.path.join(ROOT, parts.DATA, 'handout.json')):
        raise UserError(
            f'{ROOT}: not a handout (no {parts.DATA}/handout.json); run the check.py of a '
            "handout, which the full project's course/handout.py makes"
        )
    if args.submission and os.environ.get(CONTAINER) != '1':
        raise UserError(
            f"--submission runs a student's code as you, with no sandbox: it is for Gradescope's "
            f'container, where run_autograder sets {CONTAINER}=1; to check one submission, put '
            'it alone in a folder and grade that: make grade SUBMISSIONS=folder'
        )
    if args.submission and not os.path.exists(args.submission):
        raise UserError(f'--submission {args.submission}: no such file or folder')
    manifest = parts.manifest(ROOT)
    chosen = {p['name']: p for p in manifest['parts']}
    if args.list:
        for p in manifest['parts']:
            files = ', '.join(p['files'])
            points = report.plural(p['points'], 'point')
            print(f'{p["name"]:<24} {points:<9} {files:<28} {p["task"]}')
        return 0
    names = [n for option in args.part for n in option.split(',') if n] or list(chosen)
    for name in names:
        if name not in chosen:
            raise UserError(f'--part {name}: no such part here; ./check.py --list lists them')
    with tempfile.TemporaryDirectory(prefix='check-submission-') as work:
        root, notes = ROOT, []
        if args.submission:
            root = os.path.join(work, 'handout')
            submission.write_files(submission.pristine(ROOT), root)
            files = sorted({f for p in manifest['parts'] for f in p['files']})
            notes = submission.take_parts(args.submission, files, root)
            for note in notes:
                print(f'check.py: {note}', file=sys.stderr)
        deadline = started + args.total_timeout if args.total_timeout else None
        results = processes.check_parts(
            root, manifest['parts'], names, args.timeout, args.memory, deadline
        )
    rows = [r for r in report.rows(manifest['parts'], results) if r[0]['name'] in names]
    out = sys.stderr if args.json == '-' else sys.stdout
    for line in report.text(rows):
        print(line, file=out)
    if args.json:
        text = json.dumps(report.gradescope(rows, notes), indent=1) + '\n'
        if args.json == '-':
            sys.stdout.write(text)
        else:
            with atomic.output_file(args.json) as f:
                f.write(text.encode())
    return 0 if all(score == part['points'] for part, score, _ in rows) else 1


if __name__ == '__main__':
    sys.exit(main())
