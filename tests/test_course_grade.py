"""course/grade.py: a class graded into a CSV, each submission in its own sandboxed copy of the
teacher's handout; a loop, a crash, a runaway allocation, an attack or a malformed zip costs
that student only, and never writes outside the copy."""

import contextlib
import csv
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import zipfile

from plumbing.errors import UserError

import pytest
from conftest import ROOT, assert_fails, check, handout_copy, tree

from course import grade, sandbox
from course.kit.checking import submission

PARTS = ['forward:logistic', 'backward:logistic', 'avg_loss']  # handout_logistic's
FILES = ['avg_loss.py', 'nn.py', 'numerics.py']

pytestmark = pytest.mark.linux  # see conftest.py


def solution(folder, changes=None):
    """The project's part files in `folder`, each (file, right, wrong) of `changes` applied."""
    os.makedirs(folder, exist_ok=True)
    for name in FILES:
        shutil.copyfile(os.path.join(ROOT, name), os.path.join(folder, name))
    for name, right, wrong in changes or []:
        path = os.path.join(folder, name)
        with open(path) as f:
            text = f.read()
        assert text.count(right) == 1, right
        with open(path, 'w') as f:
            f.write(text.replace(right, wrong))
    return folder


def run_grader(*args, env=None):
    return subprocess.run(
        [sys.executable, os.path.join(ROOT, 'course', 'grade.py'), *map(str, args)],
        capture_output=True, text=True, timeout=600, check=False,
        env=dict(os.environ, **(env or {})),
    )  # fmt: skip


def rows(path):
    with open(path, newline='') as f:
        return {row['student']: row for row in csv.DictReader(f)}


class Listener:
    """A TCP server on 127.0.0.1 that records what it receives: the network a sandbox hides."""

    def __init__(self):
        self.server = socket.create_server(('127.0.0.1', 0))
        self.server.settimeout(0.2)
        self.port, self.received, self.running = self.server.getsockname()[1], [], True
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while self.running:
            try:
                connection, _ = self.server.accept()
            except OSError:
                continue
            with connection:
                connection.settimeout(2)
                self.received.append(connection.recv(100))

    def close(self):
        self.running = False
        self.thread.join()
        self.server.close()


ATTACK = """
import glob, os, shutil, socket
for target in {targets!r}:  # the teacher's handout, the other submissions, the grades
    shutil.rmtree(target, ignore_errors=True)
    for path in glob.glob(os.path.join(target, '**'), recursive=True):
        try:
            with open(path, 'w') as f:
                f.write('pwned')
        except OSError:
            pass
try:
    with open({canary!r}, 'w') as f:
        f.write('pwned')
except OSError:
    pass
try:
    socket.create_connection(('127.0.0.1', {port}), timeout=1).sendall(b'pwned')
except OSError:
    pass
"""


@pytest.mark.skipif(sandbox.bwrap() is None, reason='bubblewrap (bwrap) is not installed here, '
                    'or does not work: apt-get install bubblewrap')  # fmt: skip
def test_a_class_is_graded_and_no_submission_harms_another_or_the_teacher(
    handout_logistic, tmp_path
):
    folder, _ = handout_logistic
    subs = tmp_path / 'submissions'
    subs.mkdir()
    # alice: complete, zipped with her folder in it
    solution(tmp_path / 'alice-work' / 'my project')
    with zipfile.ZipFile(subs / 'alice.zip', 'w') as z:
        for name in FILES:
            z.write(tmp_path / 'alice-work' / 'my project' / name, f'my project/{name}')
    # bob: a loop in backward, a crash in forward, memory without end in the average
    solution(subs / 'bob', [
        ('nn.py', 'add_grad(n, 0, n.grad * numerics.logistic_slope(c[0].value))',
         'while True:\n                pass'),
        ('nn.py', 'n.value = numerics.logistic(n.children[0].value)',
         'import os, signal; os.kill(os.getpid(), signal.SIGSEGV)'),
        ('avg_loss.py', 'return math.fsum(losses) / len(losses)',
         'hog = []\n    while True:\n        hog.append(bytearray(10**8))'),
    ])  # fmt: skip
    # eve: nn.py loops as it is imported: its parts fail at once, not each after its time
    solution(subs / 'eve')
    with open(subs / 'eve' / 'nn.py', 'a') as f:
        f.write('\nwhile True:\n    pass\n')
    # mallory: right, and at import, attacks the handout, the others, the grades, the network
    listener = Listener()
    canary, papers = tmp_path / 'canary', tmp_path / 'papers'  # the teacher's other files
    papers.mkdir()
    (papers / 'exam.md').write_text('the questions of the exam')
    solution(subs / 'mallory')
    with open(subs / 'mallory' / 'nn.py', 'a') as f:
        targets = [str(folder), str(subs), str(tmp_path / 'grades.csv'), str(papers)]
        f.write(ATTACK.format(targets=targets, canary=str(canary), port=listener.port))
    # zed: not Python, and a zip entry that climbs out of its folder
    with zipfile.ZipFile(subs / 'zed.zip', 'w') as z:
        z.writestr('nn.py', 'My answers are in the essay.\n')
        z.writestr('../escape.py', 'print(1)\n')
    before = tree(folder), tree(subs), tree(papers)
    result = run_grader(folder, subs, tmp_path / 'grades.csv', '--timeout', 6, '--jobs', 5)
    listener.close()
    assert result.returncode == 0, result.stderr
    assert 'each in bubblewrap' in result.stderr.splitlines()[0]
    assert (tree(folder), tree(subs), tree(papers)) == before
    assert listener.received == [] and not canary.exists()
    assert not (tmp_path / 'escape.py').exists() and not (subs / 'escape.py').exists()
    found = rows(tmp_path / 'grades.csv')
    assert list(found) == ['alice', 'bob', 'eve', 'mallory', 'zed']
    scores = {s: [found[s][p] for p in [*PARTS, 'total']] for s in found}
    assert scores == {
        'alice': ['1', '2', '1', '4'],
        'bob': ['0', '0', '0', '0'],
        'eve': ['0', '0', '1', '1'],
        'mallory': ['1', '2', '1', '4'],
        'zed': ['0', '0', '0', '0'],
    }, (tmp_path / 'grades.csv').read_text()
    assert found['alice']['notes'] == 'part files taken from my project/'
    bob = found['bob']['notes']
    assert 'forward:logistic: FAILED: forward of logistic: the check crashed (signal 11)' in bob
    assert 'backward:logistic: STOPPED: backward of logistic: stopped after 6 s' in bob
    assert (
        'avg_loss: FAILED: the average of a log: average([0.5, 1.5, 2.5, 0.25]) ran out of '
        'memory' in bob
    )
    eve = found['eve']['notes']
    assert (
        'backward:logistic: STOPPED: backward of logistic: importing nn.py was stopped after '
        '6 s' in eve
    )
    assert 'grade.py: eve: 1/4 (' in result.stderr
    zed = found['zed']['notes']
    assert "zed.zip: skipped the entry '../escape.py': a path outside its folder" in zed
    assert 'nn.py does not import: SyntaxError' in zed
    assert 'no avg_loss.py in the submission' in zed


def test_without_a_sandbox_the_limits_still_stop_a_loop_and_no_temporary_file_is_left(
    handout_logistic, tmp_path
):
    folder, _ = handout_logistic
    subs, tmp = tmp_path / 'submissions', tmp_path / 'tmp'
    tmp.mkdir()
    solution(subs / 'bob', [('avg_loss.py', 'return math.fsum(losses) / len(losses)',
                             'while True:\n        pass')])  # fmt: skip
    result = run_grader(folder, subs, tmp_path / 'g.csv', '--timeout', 3, '--no-sandbox',
                        env={'TMPDIR': str(tmp)})  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert os.listdir(tmp) == []
    assert 'WITHOUT a sandbox' in result.stderr
    bob = rows(tmp_path / 'g.csv')['bob']
    assert [bob[p] for p in [*PARTS, 'total']] == ['1', '2', '0', '3']
    assert 'avg_loss: STOPPED: the average of a log: stopped after 3 s' in bob['notes']


DAEMON = """
import os, time
started, running = os.pipe()
if os.fork() == 0:  # a process of its own, forked twice, in a session of its own
    os.setsid()
    if os.fork() == 0:
        with open({pids!r}, 'a') as f:
            f.write(f'{{os.getpid()}}\\n')
        os.write(running, b'!')
        time.sleep(600)
    os._exit(0)
os.read(started, 1)  # once it runs
"""


def alive(pid):
    """Whether the process `pid` runs (a zombie does not)."""
    try:
        with open(f'/proc/{pid}/stat') as f:
            return f.read().rsplit(')', 1)[1].split()[0] != 'Z'
    except FileNotFoundError:
        return False


def test_without_a_sandbox_a_background_process_of_a_submission_does_not_outlive_it(
    handout_logistic, tmp_path
):
    folder, _ = handout_logistic
    subs, pids = tmp_path / 'submissions', tmp_path / 'pids'
    for student, more in (('dan', ''), ('eve', 'os.kill(os.getppid(), 9)\n')):  # the checker
        solution(subs / student)
        with open(subs / student / 'avg_loss.py', 'a') as f:
            f.write(DAEMON.format(pids=str(pids)) + more)
    result = run_grader(folder, subs, tmp_path / 'g.csv', '--no-sandbox', '--jobs', 2)
    started = [int(pid) for pid in pids.read_text().split()]
    try:
        assert result.returncode == 0, result.stderr
        assert result.stderr.splitlines()[0] == (
            'grade.py: 2 submissions, 3 parts, WITHOUT a sandbox (turned off by --no-sandbox): '
            'limits and temporary copies only'
        )
        found = rows(tmp_path / 'g.csv')
        assert found['dan']['total'] == '4' and found['eve']['total'] == '0'
        assert found['eve']['notes'].startswith('the check gave no report (exit status -9)')
        assert started and [pid for pid in started if alive(pid)] == []
    finally:
        for pid in started:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, 9)


def test_when_a_submissions_time_runs_out_the_running_part_is_stopped_and_the_rest_score_0(
    handout_logistic, tmp_path
):
    folder, _ = handout_logistic
    subs = tmp_path / 'submissions'
    solution(subs / 'bob', [('nn.py', 'n.value = numerics.logistic(n.children[0].value)',
                             'while True:\n                pass')])  # fmt: skip
    started = time.monotonic()
    result = run_grader(folder, subs, tmp_path / 'g.csv', '--timeout', 60, '--total-timeout', 4)
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 30
    bob = rows(tmp_path / 'g.csv')['bob']
    assert [bob[p] for p in [*PARTS, 'total']] == ['0', '0', '0', '0']
    assert bob['notes'].splitlines() == [
        'forward:logistic: STOPPED: forward of logistic: stopped when the time for the whole '
        'check ran out; see tutorial sections 1.1 and 2',
        'backward:logistic: not checked: backward of logistic: the time for the whole check ran '
        'out first; see tutorial sections 1.2 and 2',
        'avg_loss: not checked: the average of a log: the time for the whole check ran out '
        'first; see tutorial section 2',
    ]


def test_a_file_that_is_not_a_grade_sheet_is_never_written_over(handout_logistic, tmp_path):
    folder, _ = handout_logistic
    (tmp_path / 'subs' / 'alice').mkdir(parents=True)
    (tmp_path / 'marks.csv').write_text('name,mark\nalice,9\n')
    assert_fails(run_grader(folder, tmp_path / 'subs', tmp_path / 'marks.csv'),
                 'marks.csv: exists and is not a grade sheet')  # fmt: skip
    assert (tmp_path / 'marks.csv').read_text() == 'name,mark\nalice,9\n'
    assert_fails(run_grader(folder, tmp_path / 'subs', tmp_path / 'subs' / 'g.csv'),
                 'is in the submissions folder')  # fmt: skip
    assert_fails(run_grader(tmp_path, tmp_path / 'subs', tmp_path / 'g.csv'), 'not a handout')


def test_a_handout_whose_stub_was_filled_in_grades_nothing_not_every_empty_submission_full(
    handout_logistic, tmp_path
):
    folder = handout_copy(handout_logistic[0], tmp_path / 'handout')
    shutil.copyfile(os.path.join(ROOT, 'nn.py'), folder / 'nn.py')  # the teacher tried it
    (tmp_path / 'subs' / 'empty').mkdir(parents=True)
    assert_fails(
        run_grader(folder, tmp_path / 'subs', tmp_path / 'g.csv'),
        f'{folder / "nn.py"}: missing or changed since the handout was made',
    )
    assert not (tmp_path / 'g.csv').exists()
    # nor does the checker on Gradescope take a part from a changed handout
    assert_fails(
        check(folder, '--submission', tmp_path / 'subs' / 'empty'),
        f'{folder / "nn.py"}: missing or changed',
    )


def test_submissions_that_are_two_of_a_student_none_or_no_folder_are_refused(
    handout_logistic, tmp_path
):
    folder, subs = handout_logistic[0], tmp_path / 'subs'
    assert_fails(run_grader(folder, subs, tmp_path / 'g.csv'),
                 f'{subs}: no such folder of submissions')  # fmt: skip
    subs.mkdir()
    (subs / '.DS_Store').write_text('')
    assert_fails(run_grader(folder, subs, tmp_path / 'g.csv'), f'{subs}: no submission in it')
    solution(subs / 'alice')
    zipped(subs / 'alice.zip', {'nn.py': 'x = 1\n'})
    line = assert_fails(run_grader(folder, subs, tmp_path / 'g.csv'), subs / 'alice.zip')
    assert line.endswith('alice.zip: alice has another submission, alice/; keep one')
    assert not (tmp_path / 'g.csv').exists()


def test_the_grade_sheet_of_other_parts_is_written_over_only_with_overwrite(
    handout_logistic, tmp_path
):
    folder, subs, out = handout_logistic[0], tmp_path / 'subs', tmp_path / 'g.csv'
    subs.mkdir()
    (subs / 'dan.txt').write_text('my answers')
    other = 'student,sgd,total,notes\nalice,2,2,\n'
    out.write_text(other)
    assert_fails(run_grader(folder, subs, out),
                 f'{out}: the grade sheet of other parts (sgd); not writing over it')  # fmt: skip
    assert out.read_text() == other
    result = run_grader(folder, subs, out, '--overwrite')
    assert result.returncode == 0, result.stderr
    dan = rows(out)['dan.txt']
    assert dan['total'] == '0' and dan['notes'].startswith(
        'dan.txt: not a folder or a zip file; nothing taken\n'
    )
    # the grade sheet of these parts is this grader's own, written again
    header = grade.columns(json.loads((folder / 'check-data' / 'handout.json').read_text()))
    assert out.read_text().splitlines()[0] == ','.join(header)
    assert grade.check_output(str(out), str(subs), header, ['dan.txt']) is None


def test_a_sheet_of_the_same_parts_for_other_students_is_kept_unless_overwrite(tmp_path):
    # two sections of one course: grading the second into the first's sheet would lose it
    header = ['student', 'avg_loss', 'total', 'notes']
    out, subs = tmp_path / 'g.csv', tmp_path / 'section-2'
    out.write_text('student,avg_loss,total,notes\nalice,1,1,\nbob,0,0,\n')
    with pytest.raises(UserError) as refused:
        grade.check_output(str(out), str(subs), header, ['bob', 'carol'])
    assert str(refused.value) == (
        f'{out}: the grade sheet of another class (alice has no submission in {subs}); not '
        'writing over it (give another name, or --overwrite; make: OVERWRITE=1)'
    )
    # the same class again, or more of it: its sheet is written anew
    assert grade.check_output(str(out), str(subs), header, ['alice', 'bob', 'carol']) is None
    assert grade.check_output(str(out), str(subs), header, ['bob'], overwrite=True) is None


def test_a_folder_of_part_files_is_one_submission_not_a_class(tmp_path):
    alice = tmp_path / 'alice'
    alice.mkdir()
    (alice / 'avg_loss.py').write_text('')
    (alice / 'nn.py').write_text('')
    with pytest.raises(UserError) as refused:
        grade.submissions(str(alice), {'nn.py', 'avg_loss.py'})
    assert str(refused.value) == (
        f"{alice}: holds avg_loss.py, a part file, at its top: it is one student's submission, "
        'not a folder of them; put it in a folder of its own, e.g. submissions/alice/, and grade '
        'that'
    )
    assert grade.submissions(str(tmp_path), {'nn.py', 'avg_loss.py'}) == [('alice', str(alice))]


def test_a_grade_sheet_quotes_what_a_spreadsheet_would_run():
    manifest = {'parts': [{'name': 'avg_loss', 'points': 1}]}
    text = grade.sheet(manifest, [('=HYPERLINK("x")', {'avg_loss': (1.0, '')}, [], 0)])
    assert list(csv.reader(io.StringIO(text))) == [
        ['student', 'avg_loss', 'total', 'notes'],
        ['\'=HYPERLINK("x")', '1', '1', ''],
    ]


# --- Taking the part files of a submission: malformed ones, in-process --------------------------


def zipped(path, entries):
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return str(path)


def take(tmp_path, source, files=('nn.py', 'avg_loss.py')):
    dest = tmp_path / 'dest'
    dest.mkdir(exist_ok=True)
    notes = submission.take_parts(str(source), list(files), str(dest))
    return notes, sorted(os.listdir(dest))


def test_a_zip_of_a_folder_gives_its_files_and_says_where_they_were(tmp_path):
    source = zipped(tmp_path / 's.zip', {'work/nn.py': 'x = 1\n', 'work/avg_loss.py': 'y = 2\n',
                                        '__MACOSX/work/._nn.py': '\0\1'})  # fmt: skip
    notes, taken = take(tmp_path, source)
    assert notes == ['part files taken from work/'] and taken == ['avg_loss.py', 'nn.py']
    assert (tmp_path / 'dest' / 'nn.py').read_text() == 'x = 1\n'


def test_missing_and_binary_files_are_left_as_the_handout_has_them(tmp_path):
    source = zipped(tmp_path / 's.zip', {'nn.py': b'\xff\xfe\x00binary'})
    notes, taken = take(tmp_path, source)
    assert notes == [
        "nn.py: not UTF-8 text: the handout's is checked",
        "no avg_loss.py in the submission: the handout's is checked",
    ]
    assert taken == []


def test_entries_that_leave_the_zip_or_are_links_are_skipped_and_nothing_written_outside(
    tmp_path,
):
    path = tmp_path / 'evil.zip'
    with zipfile.ZipFile(path, 'w') as z:
        for name in ('../nn.py', '/tmp/avg_loss.py', 'a/../../avg_loss.py', 'C:/nn.py'):
            z.writestr(name, 'bad = 1\n')
        link = zipfile.ZipInfo('avg_loss.py')
        link.external_attr = (0o120777) << 16  # a symlink, to /etc/passwd
        z.writestr(link, '/etc/passwd')
    notes, taken = take(tmp_path, path)
    assert taken == []
    assert len([n for n in notes if 'a path outside its folder' in n]) == 4
    assert "evil.zip: skipped the entry 'avg_loss.py': a symlink" in notes
    assert sorted(os.listdir(tmp_path)) == ['dest', 'evil.zip']


def test_a_zip_bomb_a_huge_file_and_a_broken_zip_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(submission, 'MAX_UNPACKED', 4_000_000)  # 200 MB takes long to pack
    bomb = zipped(tmp_path / 'bomb.zip', {f'{i}.txt': bytes(1_500_000) for i in range(4)})
    assert os.path.getsize(bomb) < 20_000
    assert take(tmp_path, bomb)[0] == [
        'bomb.zip: would unpack to 6,000,000 bytes (a zip bomb?); nothing taken',
        "no nn.py in the submission: the handout's is checked",
        "no avg_loss.py in the submission: the handout's is checked",
    ]
    big = zipped(tmp_path / 'big.zip', {'nn.py': b' ' * 2_000_000})
    assert (
        "big.zip: nn.py is over 1,000,000 bytes: the handout's is checked"
        in take(tmp_path, big)[0]
    )
    (tmp_path / 'broken.zip').write_bytes(b'PK\x03\x04 and then nothing')
    assert take(tmp_path, tmp_path / 'broken.zip')[0][0].startswith(
        'broken.zip: not a readable zip file'
    )
    monkeypatch.setattr(submission, 'MAX_ZIP', 10_000)  # 50 MB on disk takes long to write
    huge = zipped(tmp_path / 'huge.zip', {'nn.py': os.urandom(20_000)})
    assert take(tmp_path, huge)[0][0] == 'huge.zip: over 10,000 bytes; nothing taken'
    (tmp_path / 'essay.docx').write_bytes(b'not a zip')
    assert take(tmp_path, tmp_path / 'essay.docx')[0] == [
        'essay.docx: not a folder or a zip file; nothing taken'
    ]


def test_a_symlink_in_a_submitted_folder_is_not_followed(tmp_path):
    (tmp_path / 'sub').mkdir()
    os.symlink('/etc/passwd', tmp_path / 'sub' / 'nn.py')
    notes, taken = take(tmp_path, tmp_path / 'sub', ['nn.py'])
    assert notes == ["nn.py: a symlink or not a file: the handout's is checked"] and taken == []


def test_a_part_file_at_several_depths_is_taken_from_the_shallowest_and_the_others_noted(
    tmp_path,
):
    (tmp_path / 's' / 'old').mkdir(parents=True)
    (tmp_path / 's' / 'nn.py').write_text('x = 1\n')
    (tmp_path / 's' / 'old' / 'nn.py').write_text('x = 0\n')
    notes, taken = take(tmp_path, tmp_path / 's', ['nn.py'])
    assert notes == ['nn.py: took nn.py, the shallowest; not old/nn.py'] and taken == ['nn.py']
    assert (tmp_path / 'dest' / 'nn.py').read_text() == 'x = 1\n'
    source = zipped(tmp_path / 'z.zip', {'hw/hw/nn.py': 'x = 0\n', 'hw/nn.py': 'x = 2\n'})
    notes, _ = take(tmp_path, source, ['nn.py'])
    assert notes == ['nn.py: took hw/nn.py, the shallowest; not hw/hw/nn.py',
                     'part files taken from hw/']  # fmt: skip
    assert (tmp_path / 'dest' / 'nn.py').read_text() == 'x = 2\n'


def test_two_part_files_at_one_depth_are_ambiguous_and_neither_is_taken(tmp_path):
    for folder in ('a', 'b'):
        (tmp_path / 's' / folder).mkdir(parents=True)
        (tmp_path / 's' / folder / 'nn.py').write_text(f'x = {folder!r}\n')
    notes, taken = take(tmp_path, tmp_path / 's', ['nn.py'])
    wanted = "nn.py: 2 at one depth, {}: which one? none taken, the handout's is checked"
    assert notes == [wanted.format('a/nn.py, b/nn.py')] and taken == []
    with pytest.warns(UserWarning, match='Duplicate name'):  # the folder zipped twice
        source = zipped(tmp_path / 'z.zip', {'w/nn.py': 'x = 1\n'})
        with zipfile.ZipFile(source, 'a') as z:
            z.writestr('w/nn.py', 'x = 2\n')
    notes, taken = take(tmp_path, source, ['nn.py'])
    assert notes == [wanted.format('w/nn.py, w/nn.py')] and taken == []


def test_a_folder_holding_only_the_students_zip_is_graded_from_the_zip(tmp_path):
    (tmp_path / 'alice').mkdir()
    zipped(tmp_path / 'alice' / 'alice.zip', {'nn.py': 'x = 1\n', 'avg_loss.py': 'y = 2\n'})
    notes, taken = take(tmp_path, tmp_path / 'alice')
    assert notes == ['part files taken from alice.zip, the one zip in the folder']
    assert taken == ['avg_loss.py', 'nn.py']
    zipped(tmp_path / 'alice' / 'old.zip', {'nn.py': 'x = 0\n'})
    notes, _ = take(tmp_path, tmp_path / 'alice')
    assert notes[0] == 'no part file in the folder, and 2 zips: none opened'
