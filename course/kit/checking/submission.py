"""Take the part files of a submission, a folder or a zip, into a copy of the handout as it was
made: nothing else, and never a write outside the copy.

    write_files(pristine(handout), copy)   # the handout's files, checked against its manifest
    notes = take_parts('alice.zip', ['nn.py', 'avg_loss.py'], copy)

Each part file is looked for by its name anywhere in the submission (a zip of the folder puts
it one folder down): the shallowest is taken, and the deeper ones noted; two or more at the
shallowest depth are ambiguous, and none is taken. A folder with no part file and one zip (a
course platform's download, alice/alice.zip) is read as that zip. What cannot be taken is left
as the handout has it (its stub, which scores 0) and said in a note: a missing or ambiguous
file, one that is not text or is too big, a symlink. A zip is read without unpacking it: its
entries' names are never paths on this disk. A zip that is not one, that would unpack to too
much (a zip bomb) or that holds too many entries is refused as a whole; an entry whose name
leaves the zip's folder ('../x', '/etc/x') or that is a symlink is skipped, with a note.
"""

import hashlib
import json
import os
import stat
import zipfile
import zlib

from plumbing.errors import UserError

MARK = 'check-data/handout.json'  # the manifest: what makes a folder or a zip a handout

MAX_FILE = 1_000_000  # bytes: a part file is a few kilobytes of Python
MAX_ZIP = 50_000_000  # bytes on disk
MAX_UNPACKED = 200_000_000  # bytes, all entries together, as the zip declares them
MAX_ENTRIES = 10_000
MAX_DEPTH = 6  # folders down, in a submitted folder


def pristine(root):
    """{path: bytes} of the handout folder `root` as course/handout.py wrote it, but the data set
    (data/, which no check reads): its manifest, and each file that the manifest lists, checked
    against the SHA-256 recorded there. UserError, naming the file, if one is missing or changed:
    a submission's missing part is taken from these, and a part filled in would be everyone's."""
    try:
        with open(os.path.join(root, MARK), 'rb') as f:
            found = {MARK: f.read()}
        listed = json.loads(found[MARK])['files']
    except (OSError, ValueError, KeyError, TypeError):
        raise UserError(
            f'{os.path.join(root, MARK)}: missing, or lists no files with their SHA-256 (an '
            'older handout?); make the handout again'
        ) from None
    for path, digest in sorted(listed.items()):
        if not path.startswith('data/'):
            try:
                with open(os.path.join(root, path), 'rb') as f:
                    found[path] = f.read()
            except OSError:
                found[path] = None
            if found[path] is None or hashlib.sha256(found[path]).hexdigest() != digest:
                raise UserError(
                    f'{os.path.join(root, path)}: missing or changed since the handout was made; '
                    "a submission's missing parts are taken from it: make the handout again"
                )
    return found


def write_files(files, dest):
    """Write `files`, {path: bytes}, into the folder `dest`."""
    for path, data in files.items():
        os.makedirs(os.path.join(dest, os.path.dirname(path)), exist_ok=True)
        with open(os.path.join(dest, path), 'wb') as f:
            f.write(data)


def take_parts(source, files, dest):
    """Copy the part files `files` of the submission `source` into the folder `dest`; the
    notes on what could not be taken, or was taken from a place worth saying."""
    if os.path.isdir(source):
        found, notes, zips = in_folder(source, files)
        if not found and len(zips) == 1:  # a platform's download: the student's zip, in a folder
            found, notes = in_zip(zips[0], files)
            notes.insert(0, f'part files taken from {os.path.relpath(zips[0], source)}, the one '
                         'zip in the folder')  # fmt: skip
        elif not found and zips:
            notes.append(f'no part file in the folder, and {len(zips)} zips: none opened')
    elif os.path.isfile(source) and (source.endswith('.zip') or zipfile.is_zipfile(source)):
        found, notes = in_zip(source, files)
    else:
        return [f'{os.path.basename(source)}: not a folder or a zip file; nothing taken']
    folders = sorted({p.rpartition('/')[0] for p, data in found.values() if '/' in p and data})
    if folders:  # a zip of the folder, say: worth a word, not a problem
        notes.append(f'part files taken from {", ".join(f + "/" for f in folders)}')
    for name in files:
        if name not in found:
            notes.append(f"no {name} in the submission: the handout's is checked")
            continue
        data = found[name][1]
        if data is None:  # found, and refused: its note says why
            continue
        try:
            data.decode('utf-8')
        except UnicodeDecodeError:
            notes.append(f"{name}: not UTF-8 text: the handout's is checked")
            continue
        with open(os.path.join(dest, name), 'wb') as f:
            f.write(data)
    return notes


def pick(paths, name, notes):
    """[the path to take] among `paths` (relative, '/'-separated, repeats counted) for the part
    file `name`: the shallowest of those named so, the deeper ones noted; [] if there is none,
    and all the shallowest if they are several (ambiguous: none taken, noted)."""
    found = sorted(
        (p.count('/'), p)
        for p in paths
        if p.rsplit('/', 1)[-1] == name
        and not any(c.startswith('.') or c == '__MACOSX' for c in p.split('/'))
    )
    top = [p for depth, p in found if depth == found[0][0]]
    if len(top) > 1:
        notes.append(f"{name}: {len(top)} at one depth, {', '.join(top)}: which one? none taken, "
                     "the handout's is checked")  # fmt: skip
    elif len(found) > 1:
        notes.append(f'{name}: took {top[0]}, the shallowest; not {found[1][1]}'
                     + (f' and {len(found) - 2} more' if len(found) > 2 else ''))  # fmt: skip
    return top


def in_folder(root, files):
    """({name: (path in the folder, bytes)}, notes, [zip files]) of the part files in the folder
    `root`, and of the zips found in it."""
    paths, notes, zips = {}, [], []
    for folder, subfolders, names in os.walk(root):  # never follows a symlinked folder
        relative = os.path.relpath(folder, root)
        depth = 0 if relative == '.' else relative.count(os.sep) + 1
        if depth >= MAX_DEPTH:
            subfolders[:] = []
        subfolders[:] = [s for s in subfolders if not s.startswith('.')]
        for name in names:
            if name in files:
                path = name if relative == '.' else f'{relative}/{name}'.replace(os.sep, '/')
                paths[path] = os.path.join(folder, name)
            elif name.lower().endswith('.zip') and not name.startswith('.'):
                zips.append(os.path.join(folder, name))
        if len(paths) + len(zips) > MAX_ENTRIES:
            break
    found = {}
    for name in files:
        top = pick(paths, name, notes)
        if len(top) != 1:
            if top:  # ambiguous, and noted
                found[name] = (top[0], None)
            continue
        chosen = top[0]
        path = paths[chosen]
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode) or not stat.S_ISREG(info.st_mode):
            notes.append(f"{chosen}: a symlink or not a file: the handout's is checked")
            found[name] = (chosen, None)
        elif info.st_size > MAX_FILE:
            notes.append(f"{chosen}: over {MAX_FILE:,} bytes: the handout's is checked")
            found[name] = (chosen, None)
        else:
            with open(path, 'rb') as f:
                found[name] = (chosen, f.read(MAX_FILE + 1))
    return found, notes, zips


def in_zip(path, files):
    """({name: (path in the zip, bytes)}, notes) of the part files in the zip file `path`."""
    label = os.path.basename(path)
    if os.path.getsize(path) > MAX_ZIP:
        return {}, [f'{label}: over {MAX_ZIP:,} bytes; nothing taken']
    try:
        with zipfile.ZipFile(path) as z:
            entries = z.infolist()
            if len(entries) > MAX_ENTRIES:
                return {}, [
                    f'{label}: {len(entries):,} entries, over {MAX_ENTRIES:,}; nothing taken'
                ]
            unpacked = sum(e.file_size for e in entries)
            if unpacked > MAX_UNPACKED:
                return {}, [
                    f'{label}: would unpack to {unpacked:,} bytes (a zip bomb?); nothing taken'
                ]
            return read_entries(z, entries, files, label)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        return {}, [f'{label}: not a readable zip file ({e}); nothing taken']


def read_entries(z, entries, files, label):
    """({name: (path, bytes)}, notes) of the part files among a zip's entries, read with a
    cap."""
    notes, usable = [], []  # [(name, entry)]: a name may be there twice
    for e in entries:
        name = e.filename.replace('\\', '/')
        parts = name.split('/')
        if name.startswith('/') or '..' in parts or ':' in parts[0]:
            notes.append(f'{label}: skipped the entry {e.filename!r}: a path outside its folder')
        elif stat.S_ISLNK(e.external_attr >> 16):
            notes.append(f'{label}: skipped the entry {e.filename!r}: a symlink')
        elif not e.is_dir():
            usable.append((name, e))
    found = {}
    for name in files:
        top = pick([path for path, _ in usable], name, notes)
        if len(top) != 1:
            if top:  # ambiguous, and noted
                found[name] = (top[0], None)
            continue
        chosen = top[0]
        try:
            with z.open(dict(usable)[chosen]) as f:
                data = f.read(MAX_FILE + 1)  # no more than that is unpacked, whatever it claims
        except (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, OSError) as e:
            notes.append(f"{label}: {chosen} cannot be read ({e}): the handout's is checked")
            found[name] = (chosen, None)
            continue
        if len(data) > MAX_FILE:
            notes.append(f"{label}: {chosen} is over {MAX_FILE:,} bytes: the handout's is checked")
            found[name] = (chosen, None)
        else:
            found[name] = (chosen, data)
    return found, notes
