"""The answers of the chosen parts, and a search for them in a handout's files and zip.

    answers = solution_texts(sources, removed)   # {part: {text}}, from transform's `removed`
    found = search('handout', answers)           # [(part, text, file)]: empty, or a leak

A part's answer texts are what transform.py took out for it: each line of code (without its
comment), each comment, each string of formulas.py, whitespace squeezed. A text that is also in
code the handout keeps is common code, not an answer (sub's `add_grad(n, 0, n.grad)` is also
add's), and is left out; so are texts too short to tell (`)`, `else:`).
"""

import functools
import io
import os
import re
import tokenize
import zipfile

MIN_CODE = 10  # characters of a line of code, squeezed
MIN_COMMENT = 16  # characters of a comment's text


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


def search(path, answers):
    """[(part, text, file)] of every answer text found in a text file of the folder or zip
    `path` (files that are not UTF-8 text, such as the data, are not searched)."""
    found = []
    for name, data in files(path):
        try:
            text = squeeze(data.decode('utf-8'))
        except UnicodeDecodeError:
            continue
        for part, texts in answers.items():
            found += [(part, t, name) for t in sorted(texts) if t in text]
    return found
