#!/usr/bin/env python3
"""Run a command with limits on its resources, which its processes inherit:

    python3 course/limited.py MEMORY_MB CPU_SECONDS FILE_MB -- COMMAND [ARG ...]

the address space (memory), CPU time, the size of a file it writes, and no core dumps. The
limits are set here and then the command replaces this process (exec), so that the grader
needs no preexec_fn, which is unsafe in a program with threads.
"""

import os
import resource
import sys


def main():
    memory, cpu, size, dash, *command = sys.argv[1:]
    if dash != '--' or not command:
        sys.exit('usage: limited.py MEMORY_MB CPU_SECONDS FILE_MB -- COMMAND [ARG ...]')
    mb = 1024 * 1024
    for kind, value in (
        (resource.RLIMIT_AS, int(memory) * mb),
        (resource.RLIMIT_CPU, int(cpu)),
        (resource.RLIMIT_FSIZE, int(size) * mb),
        (resource.RLIMIT_CORE, 0),
    ):
        resource.setrlimit(kind, (value, value))
    os.execvp(command[0], command)


if __name__ == '__main__':
    main()
