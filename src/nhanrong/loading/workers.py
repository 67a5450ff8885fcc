"""Reading many units/ and pilots/ files on the machine's other cores.

The compiled parser holds the GIL, so threads do not help: a cold load of a whole country (thousands of
files) hands batches of files to worker processes while this process reads batches too, from the other
end of the list, until they meet. A worker returns what :func:`.columns.read` returns (pickled back),
so the result, its order and its messages do not depend on who read a file.

A worker is a new Python running :func:`main`, started for one load and told to stop after it: not
``multiprocessing``, whose workers import the caller's main script again (a user's script would run
once more in each worker), nor a fork of the caller (the app has threads). Anything that goes wrong
with a worker (it cannot start, it dies, it says something unexpected, it stops answering for
:data:`STALL_SECONDS`) only makes the load slower: its batches are read in this process.

``NHANRONG_WORKERS`` sets how many worker processes a big load uses (``0``: none); by default one fewer
than the cores this process may use. Only loads of at least :data:`MIN_BYTES` to read use them: a worker
takes about 0.3 s to start (the modules it imports do not import pandas), about what a province's own
files take to read.
"""

from __future__ import annotations

import bisect
import os
import pickle
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
from collections import deque
from pathlib import Path
from typing import BinaryIO

from . import columns, parsing

MIN_BYTES = 8 * 2**20
"""Smallest total size of the files to read for which workers start (the national benchmark reads
92 MB; a province's own data is a few MB and reads in well under a second without them)."""
BATCH_BYTES = 2**20
"""About how much text a batch holds: small enough that this process and the workers finish together,
large enough that handing a batch over costs little."""
STALL_SECONDS = 60.0
"""How long this process waits for any worker's answer, with nothing left to read itself, before it
takes the workers that hold batches for stuck and stops them (a batch normally takes a fraction of a
second; their batches are then read here)."""
STATS = {"loads": 0, "batches_in_workers": 0, "batches_here": 0, "fallbacks": 0, "stalls": 0,
         "worker_peak_mb": 0.0}
"""Since the process started (the tests and the benchmark read it): loads that started workers, batches
read by workers and here, failures that left work here (a worker that could not start, a batch read here
because its worker died, was stopped as stuck or its results could not be read), workers stopped as
stuck, the largest peak memory of a worker."""


def worker_count() -> int:
    """How many worker processes a big load uses: ``NHANRONG_WORKERS``, else the usable cores minus one."""
    raw = os.environ.get("NHANRONG_WORKERS", "").strip()
    if raw:
        try:
            return max(0, int(raw))
        except ValueError:
            return 0
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(0, cores - 1)


class Reading:
    """The reading of a load's files (``jobs``: kind and path of files on disk, ``sizes`` in bytes), as
    :func:`.columns.read` would, on worker processes too when the files are large enough together.

    Workers start at once and take batches from the front of the list, the next one handed to a worker
    as soon as it answers (by the thread that listens to it, so a worker never waits for this process);
    :meth:`take` makes this process read batches from the back until a range of files is ready, so the
    caller can check what it has (the units) while the workers go on with the rest (the records).
    :meth:`close` lets the workers go.
    """

    def __init__(self, jobs: list[tuple[str, Path]], sizes: list[int], root: Path) -> None:
        self.root = root
        count = worker_count() if sum(sizes) >= MIN_BYTES and len(jobs) > 1 else 0
        self.spool = ""
        if count:
            try:
                self.spool = tempfile.mkdtemp(prefix="nhanrong-read-")  # where workers leave their results
            except OSError:
                count = 0
        self.workers = [w for w in (_Worker.start() for _ in range(count)) if w is not None]
        self.batches = _batches(jobs, sizes, len(self.workers)) if self.workers else [[j] for j in jobs]
        self.starts = [0]
        for b in self.batches:
            self.starts.append(self.starts[-1] + len(b))
        self.out: list = [None] * len(self.batches)
        self.todo = deque(range(len(self.batches)))
        self.lock = threading.Lock()  # todo and each worker's batches: this thread and the listeners
        self.done: queue.SimpleQueue = queue.SimpleQueue()
        self.knobs = _knobs()
        if self.workers:
            STATS["loads"] += 1
            for w in self.workers:
                with self.lock:
                    self.hand_out(w)
                    self.hand_out(w)
                w.listen(self)

    def take(self, lo: int, hi: int) -> list:
        """The results of ``jobs[lo:hi]``, once every batch that holds one of them is read."""
        first = bisect.bisect_right(self.starts, lo) - 1
        last = bisect.bisect_left(self.starts, hi)
        while any(self.out[i] is None for i in range(first, last)):
            self._collect(block=False)
            if all(self.out[i] is not None for i in range(first, last)):
                break
            with self.lock:
                i = self.todo.pop() if self.todo else None  # this process reads from the back
            if i is None:  # what is left is in the workers' hands
                self._collect(block=True)
                continue
            self.out[i] = [columns.read(kind, p, self.root) for kind, p in self.batches[i]]
            STATS["batches_here"] += 1
        return [c for i in range(first, last) for c in self.out[i]][lo - self.starts[first]:hi - self.starts[first]]

    def close(self) -> None:
        for w in self.workers:
            w.stop()
        self.workers = []
        if self.spool:
            shutil.rmtree(self.spool, ignore_errors=True)

    def hand_out(self, w: "_Worker") -> None:
        """Give ``w`` the batch at the front, if any (the caller holds :attr:`lock`)."""
        if not self.todo or not w.alive:
            return
        i = self.todo.popleft()
        if w.send((i, self.batches[i], str(self.root), self.knobs, self.spool)):
            w.batches.add(i)
        else:
            self.todo.appendleft(i)

    def answered(self, w: "_Worker", i: int | None, spooled: str | None, peak: float) -> None:
        """A listener's news: batch ``i`` is in ``spooled`` (then ``w`` gets the next batch at once),
        or ``w`` ended (i None: the batches it had go back to be read here)."""
        with self.lock:
            if i is None:
                self.todo.extend(sorted(w.batches))  # at the back: this process takes them next
                STATS["fallbacks"] += len(w.batches)
                w.batches.clear()
            else:
                w.batches.discard(i)
                self.hand_out(w)
        self.done.put((i, spooled, peak))

    def _collect(self, block: bool) -> None:
        """Take in what the workers have finished (waiting for one answer if ``block``: at most
        :data:`STALL_SECONDS`, after which the workers still holding batches are stopped as stuck)."""
        while True:
            try:
                i, spooled, peak = self.done.get(timeout=STALL_SECONDS) if block else self.done.get_nowait()
            except queue.Empty:
                if block:
                    self._stop_stuck()
                return
            block = False
            if i is not None and not _took(self.out, i, spooled, peak):
                with self.lock:
                    self.todo.append(i)
                    STATS["fallbacks"] += 1

    def _stop_stuck(self) -> None:
        """Stop every worker that holds batches: its listener then sees it end and puts them back here."""
        with self.lock:
            stuck = [w for w in self.workers if w.batches]
        for w in stuck:
            STATS["stalls"] += 1
            w.kill()


def _took(out: list, i: int, spooled: str, peak: float) -> bool:
    """Read the results a worker left in ``spooled``; False if they cannot be read."""
    try:
        with open(spooled, "rb") as fh:
            got = pickle.load(fh)
        os.unlink(spooled)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return False
    out[i] = got
    columns.CACHE_STATS["misses"] += len(got)  # the worker counted them in its own copy
    STATS["batches_in_workers"] += 1
    STATS["worker_peak_mb"] = max(STATS["worker_peak_mb"], peak)
    return True


def _batches(jobs: list, sizes: list[int], workers: int) -> list[list]:
    """Consecutive jobs in groups of about :data:`BATCH_BYTES` (smaller for smaller loads: at least
    four per reader, so that the two ends meet near the middle)."""
    target = max(1, min(BATCH_BYTES, sum(sizes) // (4 * (workers + 1))))
    batches: list[list] = [[]]
    held = 0
    for job, n in zip(jobs, sizes):
        if held >= target:
            batches.append([])
            held = 0
        batches[-1].append(job)
        held += n
    return batches


def _knobs() -> dict:
    """The settings of this process that change how a file is read (a test or a command may have
    changed them since it started): the workers use the same."""
    return {"parser": parsing.FAST_PARSER, "max_file_bytes": parsing.MAX_FILE_BYTES}


class _Worker:
    """One worker process: batches go in on its stdin; it writes each batch's results to a file of the
    spool folder and says which on its stdout, read by a thread of this process. (Results sent through
    the pipe itself made the worker wait for this process, busy with its own batch, at every 64 kB.)"""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.proc = proc
        self.alive = True
        self.batches: set[int] = set()  # handed to it, not yet back
        self._thread: threading.Thread | None = None

    @classmethod
    def start(cls) -> "_Worker | None":
        import nhanrong

        # This very package, wherever it was imported from (a source tree, a test's sys.path): first on the
        # worker's path unless already there (a folder like site-packages must not go before the stdlib);
        # -P: not the current folder, whose files could shadow a module.
        src = str(Path(nhanrong.__file__).resolve().parents[1])
        try:
            proc = subprocess.Popen([sys.executable, "-P", "-c", _BOOT, src], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, close_fds=True)
        except (OSError, ValueError):
            STATS["fallbacks"] += 1
            return None
        return cls(proc)

    def listen(self, reading: Reading) -> None:
        self._thread = threading.Thread(target=self._listen, args=(reading,), name="nhanrong-reader", daemon=True)
        self._thread.start()

    def _listen(self, reading: Reading) -> None:
        stream = self.proc.stdout
        assert stream is not None
        while True:
            try:
                i, spooled, peak = pickle.load(stream)
            except Exception:  # noqa: BLE001 - ended, killed or garbled: its batches are read here
                self.alive = False
                reading.answered(self, None, None, 0.0)
                return
            reading.answered(self, i, spooled, peak)

    def send(self, job: tuple) -> bool:
        try:
            pickle.dump(job, self.proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            self.proc.stdin.flush()  # type: ignore[union-attr]
            return True
        except (OSError, ValueError):
            self.alive = False
            return False

    def kill(self) -> None:
        try:
            self.proc.kill()
        except OSError:  # ended meanwhile
            pass

    def stop(self) -> None:
        """Close its input (it ends when it has read everything); kill it if it does not end soon."""
        try:
            self.proc.stdin.close()  # type: ignore[union-attr]
        except OSError:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def _serve(inp: BinaryIO, out: BinaryIO) -> None:
    """In a worker: read batches until the input ends; the results of each go to a file of the spool
    folder, and the batch, that file and the worker's peak memory to ``out``."""
    while True:
        try:
            i, batch, root, knobs, spool = pickle.load(inp)
        except EOFError:
            return
        if parsing.FAST_PARSER != knobs["parser"]:
            parsing.use_parser(knobs["parser"])
        parsing.MAX_FILE_BYTES = knobs["max_file_bytes"]
        base = Path(root)
        got = [columns.read(kind, p, base) for kind, p in batch]
        spooled = os.path.join(spool, f"batch-{i}.pickle")
        with open(spooled, "wb") as fh:
            pickle.dump(got, fh, protocol=pickle.HIGHEST_PROTOCOL)
        del got
        pickle.dump((i, spooled, _peak_mb()), out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()


def _peak_mb() -> float:
    try:
        with open("/proc/self/status") as fh:
            return next(int(x.split()[1]) for x in fh if x.startswith("VmHWM")) / 1024
    except (OSError, StopIteration, ValueError):
        return 0.0


def main() -> None:
    """A worker's life: results only on the original stdout, batches until stdin ends."""
    import gc

    gc.disable()  # as in the caller's load (state.paused_gc): what a batch makes is freed once it is sent
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # a stray print goes to stderr, not into the results
    _serve(sys.stdin.buffer, out)


_BOOT = ("import sys; p = sys.argv[1]; p in sys.path or sys.path.insert(0, p); "
         "from nhanrong.loading.workers import main; main()")

if __name__ == "__main__":
    main()
