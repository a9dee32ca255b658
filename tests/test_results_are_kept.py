"""A slip or an interruption never destroys a result: swapped arguments, a second --init,
another model's or chain's file, a kill mid-epoch (Ctrl-C: test_ctrl_c_and_closed_output.py)."""

import os
import signal

from plumbing import paramfile

import pytest
from conftest import assert_fails, refused, run, sha, start_epoch


@pytest.fixture(scope='module')
def chain(tmp_path_factory, small_data):
    """lin-param-0..2 of a short chain (100 samples an epoch), for the overwrite tests."""
    d = tmp_path_factory.mktemp('chain')
    run('lin-train.py', '--init', d / 'lin-param-0', check=0)
    for e in (1, 2):
        run(
            'lin-train.py',
            d / f'lin-param-{e - 1}',
            d / f'lin-param-{e}',
            '--data',
            small_data,
            '--limit',
            100,
            check=0,
        )
    return d


def test_killed_with_sigkill_mid_epoch_leaves_old_output_and_input_intact(tmp_path, lin0):
    out = tmp_path / 'lin-param-1'
    out.write_bytes(b'an older lin-param-1')
    before = sha(lin0)
    proc = start_epoch(lin0, out, tmp_path / 'log')
    proc.kill()
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert out.read_bytes() == b'an older lin-param-1' and sha(lin0) == before
    partial = [f for f in os.listdir(tmp_path) if f.endswith('.partial')]
    assert all(f.startswith('.lin-param-1.') for f in partial)  # only a hidden temporary


def test_swapped_arguments_do_not_overwrite_an_earlier_epoch(chain, small_data):
    before = sha(chain / 'lin-param-1')
    result = run(
        'lin-train.py',
        chain / 'lin-param-2',
        chain / 'lin-param-1',
        '--data',
        small_data,
        '--limit',
        100,
    )
    refused(
        result,
        chain / 'lin-param-1',
        [
            'holds epoch 1 of the linear model, made from {}'.format(chain / 'lin-param-0'),
            'this run would write epoch 3 of the linear model over it',
        ],
    )
    assert result.stdout == '' and sha(chain / 'lin-param-1') == before


def test_init_does_not_overwrite_trained_parameters(chain):
    before = sha(chain / 'lin-param-2')
    refused(
        run('lin-train.py', '--init', chain / 'lin-param-2'),
        chain / 'lin-param-2',
        [
            'holds epoch 2 of the linear model',
            'would write initial parameters of the linear model over it',
        ],
    )
    assert sha(chain / 'lin-param-2') == before
    run('lin-train.py', '--init', chain / 'lin-param-0', check=0)  # the same --init again: fine


def test_hidden_goes_with_init_only(chain, tmp_path):
    run('mlp-train.py', '--init', tmp_path / 'm0', '--hidden', 4, check=0)
    assert_fails(
        run('mlp-train.py', tmp_path / 'm0', tmp_path / 'm1', '--hidden', 30),
        '--hidden goes with --init: {} has its hidden units already'.format(tmp_path / 'm0'),
    )


def test_another_model_or_chain_is_not_overwritten(chain, small_data, tmp_path):
    run('mlp-train.py', '--init', tmp_path / 'mlp-param-0', '--hidden', 4, check=0)
    refused(
        run('lin-train.py', '--init', tmp_path / 'mlp-param-0'),
        tmp_path / 'mlp-param-0',
        ['holds epoch 0 of the mlp model'],
    )
    before = sha(chain / 'lin-param-2')
    refused(
        run(
            'lin-train.py',
            chain / 'lin-param-1',
            chain / 'lin-param-2',
            '--data',
            small_data,
            '--limit',
            100,
            '--lr',
            0.5,
        ),
        chain / 'lin-param-2',
        ['holds epoch 2 of the linear model', 'with other options'],
    )
    assert sha(chain / 'lin-param-2') == before


def test_a_file_that_is_not_parameters_is_not_overwritten(chain, small_data, tmp_path):
    log = tmp_path / 'log-1'
    log.write_text('2.30259\n')
    refused(
        run('lin-train.py', chain / 'lin-param-0', log, '--data', small_data),
        log,
        ['exists and is not a parameter file'],
    )
    assert log.read_text() == '2.30259\n'


def test_an_empty_file_that_the_shell_made_is_written_over(chain, small_data, tmp_path):
    # ./lin-train.py lin-param-1 > lin-param-2: the output's name typed as a log's empties it
    emptied = tmp_path / 'lin-param-2'
    emptied.write_text('')
    previous = chain / 'lin-param-1'
    run('lin-train.py', previous, emptied, '--data', small_data, '--limit', 5, check=0)
    assert paramfile.read(emptied)[1]['epoch'] == 2


def test_rerunning_an_epoch_over_its_own_output_is_allowed(chain, small_data, tmp_path):
    again = run(
        'lin-train.py',
        chain / 'lin-param-1',
        chain / 'lin-param-2',
        '--data',
        small_data,
        '--limit',
        100,
        check=0,
    )
    assert 'epoch 2: 100 samples' in again.stderr
    forced = run(
        'lin-train.py',
        chain / 'lin-param-2',
        chain / 'lin-param-1',
        '--data',
        small_data,
        '--limit',
        100,
        '--overwrite',
        check=0,
    )
    assert paramfile.read(chain / 'lin-param-1')[1]['epoch'] == 3 and forced.returncode == 0
    run(
        'lin-train.py',
        chain / 'lin-param-0',
        chain / 'lin-param-1',
        '--data',
        small_data,
        '--limit',
        100,
        '--overwrite',
        check=0,
    )  # put the chain back as it was
