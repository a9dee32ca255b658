"""The answers of the chosen parts and of the discussion questions, and a search for them in a
handout's files and zip.

    answers = solution_texts(sources, removed)      # {part: {text}}, from transform's `removed`
    found = search('handout', answers, patterns(parts))  # [(part, text, file)]: empty, or a leak

A part's answer texts are what transform.py took out for it: each line of code (without its
comment), each comment, each string it replaced, whitespace squeezed. A text that is also in
code the handout keeps is common code, not an answer (sub's `add_grad(n, 0, n.grad)` is also
add's), and is left out; so are texts too short to tell (`)`, `else:`). The discussion
questions' answer texts are those and the sentences of course/answers.md.

Each kind of answer that can show elsewhere, and in other words, has patterns: PATTERNS for a
part, QUESTIONS for the discussion questions, which every handout asks.
"""

import functools
import io
import os
import re
import tokenize
import zipfile

from course.transform import DISCUSSION

MIN_CODE = 10  # characters of a line of code, squeezed
MIN_COMMENT = 16  # characters of a comment's text
MIN_SENTENCE = 30  # characters of a sentence (or a clause) of course/answers.md
ANSWERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'answers.md')

# A part's answer in any file of a handout, in any words: regular expressions on each file's text,
# white space squeezed. The parts not here are given by the tutorial (add's, mul's, the
# cross-entropy's forward) or by their own lines alone, which solution_texts has.
PATTERNS = {
    'forward:logistic': [r'1 / \(1 \+ (numpy\.)?exp\('],
    'forward:logsoftmax': [r'logaddexp|logsumexp'],
    'forward:tanh': [r'numpy\.tanh\('],
    'forward:relu': [r'numpy\.maximum\('],
    'backward:logistic': [r'\bs \(1 - s\)', r'logistic_slope'],
    'backward:logsoftmax': [r'softmax\(a\) sum', r'exp\(n\.value\)'],
    'backward:sum': [r'numpy\.full(_like)?\(', r'broadcast_to\('],  # a number filling a shape
    'backward:tanh': [r'1 - t\^2', r'tanh_slope'],
    'sgd': [r'-= \S+ \* \S*grad\b', r'(\S+) = \1 - \S+ \* \S*grad\b'],  # the update, any names
    'error_rate': [r'argmax\('],
    'avg_loss': [  # a mean: a sum over its length, a mean function, the solution's math.fsum
        r'sum\((\w+)\) ?/ ?len\(\1\)', r'\bf?mean\(', r'numpy\.average\(',
        r'\bmean\b.{0,40}\bfsum\b',
    ],
    'plot_logs': [r'\.plot\(', r'\.set_[xy]label\('],
}  # fmt: skip
# The discussion questions, numbered as the student's README asks them: what answers them
QUESTIONS = {
    'discussion question 1': [r'built from nodes that (already )?exist',
                              r'\bchild(ren)? (comes?|are) (first|before)'],
    'discussion question 2': [r'already (in )?a? ?topological order(?! ?\?)'],
    'discussion question 3': [r'complete before (it is passed|it passes)'],
    'discussion question 4': [r'to add to with \+=', r'added to zeros?\b'],
    'discussion question 5': [r'sum of (their|both|all the) contributions', r'adds them up',
                              r'keeps only the last'],
    'discussion question 6': [r'nn\.py only computes'],
    'discussion question 7': [r'honest estimate', r'tunes? (them|it) to the test set'],
}  # fmt: skip


def patterns(parts):
    """{part or question: [pattern]} for a handout of `parts`: theirs, and the questions'."""
    return {p.name: PATTERNS[p.name] for p in parts if p.name in PATTERNS} | QUESTIONS


def discussion_texts():
    """The sentences and clauses of course/answers.md's answers, squeezed, long enough to tell."""
    with open(ANSWERS, encoding='utf-8') as f:
        answers = [a.split('\n\n')[0] for a in f.read().split('**Answer.** ')[1:]]
    pieces = [p for a in answers for p in re.split(r'(?<=[.:;])\s', squeeze(a))]
    return {p for p in pieces if len(p) >= MIN_SENTENCE}


def squeeze(text):
    """text with each run of white space made one space, and stripped."""
    return re.sub(r'\s+', ' ', text).strip()


@functools.cache  # each removed piece of nn.py asks for nn.py's
def comments(text):
    """{line: column} of the comments of a Python text."""
    found = {}
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.COMMENT:
            found[token.start[0]] = token.start[1]
    return found


def solution_texts(sources, removed):
    """{part name: {answer text}} from the original sources and what was removed for each."""
    kept = {path: text.splitlines() for path, text in sources.items()}
    for pieces in removed.values():
        for r in pieces:
            for i in range(r.first - 1, r.last):
                kept[r.file][i] = ''
    kept_text = squeeze('\n'.join('\n'.join(lines) for lines in kept.values()))
    answers = {}
    for name, pieces in removed.items():
        texts = set()
        for r in pieces:
            if r.strings:  # formulas.py: the strings, not the rest of their line
                texts.update(squeeze(s) for s in r.strings)
                continue
            lines = sources[r.file].splitlines()
            where = comments(sources[r.file])
            for number in range(r.first, r.last + 1):
                line = lines[number - 1]
                column = where.get(number, len(line))
                code, comment = squeeze(line[:column]), squeeze(line[column:].lstrip('#'))
                if len(code) >= MIN_CODE:
                    texts.add(code)
                if len(comment) >= MIN_COMMENT:
                    texts.add(comment)
        answers[name] = {t for t in texts if t not in kept_text}
    answers.setdefault(DISCUSSION, set()).update(discussion_texts())
    return answers


def files(path):
    """[(name, bytes)] of a folder's files (walked) or a zip's entries."""
    if os.path.isdir(path):
        found = []
        for folder, _, names in os.walk(path):
            for name in names:
                full = os.path.join(folder, name)
                with open(full, 'rb') as f:
                    found.append((os.path.relpath(full, path), f.read()))
        return found
    with zipfile.ZipFile(path) as z:
        return [(i.filename, z.read(i)) for i in z.infolist() if not i.is_dir()]


def search(path, answers, found_by=None):
    """[(part, text, file)] of every answer text, and every match of a pattern of `found_by`
    ({part: [pattern]}), in a text file of the folder or zip `path` (files that are not UTF-8
    text, such as the data, are not searched)."""
    found = []
    for name, data in files(path):
        try:
            text = squeeze(data.decode('utf-8'))
        except UnicodeDecodeError:
            continue
        for part, texts in answers.items():
            found += [(part, t, name) for t in sorted(texts) if t in text]
        for part, regexes in (found_by or {}).items():
            matches = [re.search(r, text) for r in regexes]
            found += [(part, m.group(0), name) for m in matches if m]
    return found
