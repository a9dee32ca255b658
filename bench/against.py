#!/usr/bin/env python3
"""Did a change make nn.py slower? This folder's nn.py against another folder's, on the same steps.

    git worktree add /tmp/before HEAD~5              # the code to compare with
    python3 bench/against.py /tmp/before             # about a minute

Each round runs bench.py's tutorial-style loop (`tutorial`) once with each nn.py, in a fresh
process each, the order alternating, and takes the CPU seconds of the loop alone; a ratio is this
folder's time over the other's within one round. The report gives the median ratio over the
rounds with the smallest and largest: on a shared machine single timings move by a third.
"""

import argparse
import os
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# first: Ctrl-C and a mistake end the script with one line, a closed output (| head) silently
from plumbing.errors import UserError

HERE = sys.path[0]  # the project's folder, put first above

# Run in a child process with the folder of one nn.py first on its path: bench.py's tutorial
# loop, on made-up images (the data are not the point), timed with the process's CPU clock.
STEPS = """import sys, time
folder, model, n, bench_folder = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
sys.path.insert(0, folder)
import nn  # that folder's: bench.py, imported next, takes the nn already loaded
sys.path.insert(0, bench_folder)
import bench
rng = bench.numpy.random.default_rng(0)
samples = list(zip(rng.random((n, 784)), rng.integers(0, 10, n)))
params = bench.paramfile.initial(model, 300, rng)
loop = bench.tutorial_linear if model == 'linear' else bench.tutorial_mlp
start = time.process_time()
loop(params, samples, 0.01)
print(time.process_time() - start)
"""


def seconds(folder, model, n):
    """CPU seconds of n tutorial-style steps of model with the nn.py of folder."""
    run = [sys.executable, '-c', STEPS, folder, model, str(n), os.path.join(HERE, 'bench')]
    done = subprocess.run(run, capture_output=True, text=True, check=False)
    if done.returncode:
        last = (done.stderr.strip().splitlines() or ['no message'])[-1]
        raise UserError(f'{folder}: its nn.py failed on the tutorial loop: {last}')
    return float(done.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('other', help="a folder with the nn.py to compare this folder's with")
    parser.add_argument('--rounds', type=int, default=7, help='default: %(default)s')
    args = parser.parse_args()
    if not os.path.isfile(os.path.join(args.other, 'nn.py')):
        parser.error(f'{args.other}: no nn.py in it')
    print(f'this nn.py ({HERE}) / the other ({args.other}), CPU time of the tutorial loop:')
    for model, n in (('linear', 20000), ('mlp', 2000)):
        ratios = []
        for r in range(args.rounds):
            pair = [HERE, args.other][:: 1 if r % 2 else -1]  # each goes first in half the rounds
            times = dict(zip(pair, (seconds(folder, model, n) for folder in pair), strict=True))
            ratios.append(times[HERE] / times[args.other])
        print(
            f'{model:<7} {n:>6,} steps: {statistics.median(ratios):.3f} '
            f'({min(ratios):.3f}-{max(ratios):.3f}), {args.rounds} rounds'
        )


if __name__ == '__main__':
    main()
