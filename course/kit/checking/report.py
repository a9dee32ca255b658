"""The checker's report: one line per part for the student, and Gradescope's results.json.

    backward:logistic   0/2  FAILED: backward of logistic: on logistic(a) with a (4,), ...

Gradescope's format (https://gradescope-autograders.readthedocs.io/en/latest/specs/): a score,
an output for the whole submission, and a test per part with its name, score, max_score,
status and output.
"""

STATUS = {
    'passed': 'passed',
    'failed': 'FAILED',
    'not written': 'not written yet',
    'stopped': 'STOPPED',
    'not checked': 'not checked',
}


def plural(count, word):
    """'1 part', '2 parts': a count and its noun."""
    return f'{count} {word}' + ('' if count == 1 else 's')


def rows(manifest_parts, results):
    """[(part, score, message)] in the manifest's order, for the parts that were checked."""
    found = []
    for part in manifest_parts:
        if part['name'] not in results:
            continue
        status, message = results[part['name']]
        score = part['points'] if status == 'passed' else 0
        found.append((part, score, line_message(part, status, message)))
    return found


def line_message(part, status, message):
    """What the report says of a part: 'passed', or why not and where to read up."""
    if status == 'passed':
        return 'passed' + (f' ({message})' if message else '')
    section = f'; see tutorial {part["section"]}'
    if status == 'not written':  # the stub's message: the task, beginning with the part
        return f'{STATUS[status]}: {message}{section}'
    return f'{STATUS[status]}: {part["title"]}: {message}{section}'


def text(rows_):
    """The report's lines: one per part, then the total."""
    width = max([len(part['name']) for part, _, _ in rows_] + [10])
    lines = [
        f'{part["name"]:<{width}}  {score}/{part["points"]}  {message}'
        for part, score, message in rows_
    ]
    total = sum(score for _, score, _ in rows_)
    most = sum(part['points'] for part, _, _ in rows_)
    passed = sum(score == part['points'] for part, score, _ in rows_)
    verb = 'passes' if passed == 1 else 'pass'
    lines.append(f'total {total}/{most}: {passed} of {plural(len(rows_), "part")} {verb}')
    return lines


def gradescope(rows_, notes=()):
    """The results as Gradescope's results.json wants them, a dict."""
    return {
        'score': sum(score for _, score, _ in rows_),
        'output': '\n'.join(notes) or 'One test per part; ./check.py prints the same lines.',
        'visibility': 'visible',
        'stdout_visibility': 'hidden',
        'tests': [
            {
                'name': f'{part["name"]}: {part["title"]}',
                'score': score,
                'max_score': part['points'],
                'status': 'passed' if score == part['points'] else 'failed',
                'output': message,
            }
            for part, score, message in rows_
        ],
    }
