"""Keep the memory that numpy frees, so that the next step can have it back without a page fault.

nn.py calls keep_freed_memory() once, when it is imported. Why: a training step allocates and
frees the same big arrays every time (the MLP's 784 x 300 gradient and the `lr * grad` beside
it, 1.9 MB each). glibc's malloc hands such blocks back to the operating system as soon as
enough free memory gathers at the top of its heap, and the next step takes them back one 4 KiB
page at a time: about 900 page faults and several times the arithmetic's cost per step,
depending only on the order in which the arrays happened to be freed. Telling malloc to keep
up to 64 MB of free memory, and to serve blocks up to 8 MB (a million floats) from its heap,
makes every loop cost what its arithmetic costs, however it is written. Bigger blocks still get
pages of their own: kept in the heap, the 10 MB that reading MNIST frees would pin 40 MB more of
a training run's memory. Elsewhere than glibc this does nothing.
"""

import ctypes

M_TRIM_THRESHOLD = -1  # free memory at the top of the heap beyond which malloc returns it
M_MMAP_THRESHOLD = -3  # blocks at least this big get pages of their own, returned when freed
KEEP = 64 << 20
HEAP_BLOCKS = 8 << 20


def keep_freed_memory():
    """Ask glibc's malloc to keep freed memory for reuse; True if it agreed, False elsewhere."""
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library the interpreter runs on
    except (OSError, AttributeError, TypeError):  # not glibc: macOS, Windows, musl
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, HEAP_BLOCKS) and mallopt(M_TRIM_THRESHOLD, KEEP))
