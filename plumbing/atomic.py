"""Write a file whole or not at all: through a temporary file beside it, renamed when complete.

    with atomic.output_file('lin-param-1') as f:
        f.write(...)

Killed at any moment (SIGKILL included), a program leaves the old file (or none) or the complete
new one, never half of one: rename is atomic on one file system.
"""

import contextlib
import os
import tempfile

from plumbing.errors import UserError


def check_output(path, input_path=None):
    """UserError unless `path` can be written: its folder exists, it is no folder nor the input."""
    folder = os.path.dirname(path) or '.'
    if not os.path.isdir(folder):
        raise UserError(
            '{}: {} {}'.format(
                path, folder, 'is not a folder' if os.path.exists(folder) else 'does not exist'
            )
        )
    if os.path.isdir(path):
        raise UserError(f'{path}: is a folder')
    if input_path and os.path.exists(path) and os.path.samefile(path, input_path):
        raise UserError(f'{path}: is the input file; write the output elsewhere')
    try:  # a file made and dropped at once: the only sure test that the folder takes files
        tempfile.TemporaryFile(dir=folder).close()
    except OSError as e:
        raise UserError(f'{path}: cannot write in {folder}: {e.strerror}') from None


@contextlib.contextmanager
def output_file(path):
    """An open binary file that becomes `path` when the block completes; removed if it fails."""
    check_output(path)
    folder = os.path.dirname(path) or '.'
    try:
        fd, temporary = tempfile.mkstemp(
            dir=folder, prefix=f'.{os.path.basename(path)}.', suffix='.partial'
        )
    except OSError as e:
        raise UserError(f'{path}: cannot write in {folder}: {e.strerror}') from None
    try:
        with os.fdopen(fd, 'wb') as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException as e:
        os.unlink(temporary)
        if isinstance(e, OSError) and not isinstance(e, BrokenPipeError):  # a full disk, say
            raise UserError(f'{path}: cannot write: {e.strerror}') from None
        raise
