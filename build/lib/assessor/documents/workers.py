"""Render workers: documents are converted in separate processes, each job with a time limit
and each process with a memory cap, so a pathological document cannot hang or kill the caller.

A pool keeps ``ASSESSOR_RENDER_WORKERS`` processes (default: the usable CPUs, at most 4) warm
and reuses them. They start with the ``forkserver`` method: a single-threaded server process
imports WeasyPrint, python-docx and the templates once, renders a tiny warm-up page, and every
worker is forked from it. The calling process (the multi-threaded Streamlit server, the CLI)
is never forked and never imports WeasyPrint.

Limits, from the environment:

``ASSESSOR_RENDER_TIMEOUT``
    seconds one document in one format may take (default 120; 0.1 to 3600). The worker is
    killed and replaced.
``ASSESSOR_RENDER_MEMORY_MB``
    address-space cap of each worker in MiB (``RLIMIT_AS``, default 2048; a whole number from
    256 to 1048576). A ``MemoryError``, or a worker that dies, is reported and the worker replaced.
``ASSESSOR_RENDER_WORKERS``
    pool size (0 to 32); ``0`` renders in the calling process, without isolation (profiling only).

A value out of range is refused with :class:`SettingError`, naming the variable and the range.

Any failure reaches the caller as :class:`RenderError`, whose message names the document and
says what happened. The pool is thread-safe: several app sessions can render at once, and
each job waits for a free worker.
"""

from __future__ import annotations

import atexit
import contextlib
import math
import multiprocessing
import os
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

DEFAULT_TIMEOUT = 120.0
DEFAULT_MEMORY_MB = 2048
MAX_DEFAULT_WORKERS = 4
READY_TIMEOUT = 60.0  # seconds a new worker may take to start


class RenderError(RuntimeError):
    """A document could not be rendered. ``reason`` is "timeout", "memory", "crash" or "error".

    The message is meant for people: it names the document and says what to do.
    """

    def __init__(self, message: str, *, title: str = "", reason: str = "error") -> None:
        super().__init__(message)
        self.title = title
        self.reason = reason


class SettingError(ValueError):
    """An ``ASSESSOR_RENDER_*`` value out of range; the message names it and the range."""


def setting(name: str, default: float, low: float, high: float, what: str, *, whole: bool = False) -> float:
    """A number from the environment, checked: finite, within ``[low, high]``, and whole when
    ``whole``. An unset or blank variable gives ``default``; anything else out of range is
    refused, never clamped or silently turned off."""
    raw = os.environ.get(name, "")
    text = raw.strip()
    if not text:
        return default
    try:
        value: float | None = int(text) if whole else float(text)
    except ValueError:
        value = None
    if value is None or not math.isfinite(value) or not low <= value <= high:
        kind = "a whole number" if whole else "a number"
        raise SettingError(f"{name} must be {kind} {what} from {low:g} to {high:g}, not {raw!r}")
    return value


TIMEOUT_RANGE = (0.1, 3600.0)
MEMORY_RANGE = (256, 1024 * 1024)
WORKERS_RANGE = (0, 32)


def default_timeout() -> float:
    return setting("ASSESSOR_RENDER_TIMEOUT", DEFAULT_TIMEOUT, *TIMEOUT_RANGE, "of seconds")


def default_memory_mb() -> int:
    return int(setting("ASSESSOR_RENDER_MEMORY_MB", DEFAULT_MEMORY_MB, *MEMORY_RANGE, "of MiB", whole=True))


def usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def default_workers() -> int:
    fallback = min(usable_cpus(), MAX_DEFAULT_WORKERS)
    return int(setting("ASSESSOR_RENDER_WORKERS", fallback, *WORKERS_RANGE, "of workers", whole=True))


def check_settings() -> None:
    """Check every ASSESSOR_RENDER_* variable now; raises SettingError naming the first bad one."""
    from assessor.documents.cache import cache_megabytes

    default_timeout()
    default_memory_mb()
    default_workers()
    cache_megabytes()


@dataclass
class Job:
    """One unit of work for a worker: ``task(*args)`` returns bytes.

    ``task`` must be importable by reference (a module-level function). ``shared`` holds
    objects the task looks up with :func:`shared` (a questionnaire, say): each is sent to a
    worker once, not with every job. ``cost`` orders a list of jobs (longest first); ``title``
    and ``fmt`` name the document in errors; ``tag`` is the caller's.
    """

    task: Callable[..., bytes]
    args: tuple[Any, ...]
    title: str
    fmt: str = ""
    tag: Any = None
    cost: float = 0.0
    shared: dict[str, Any] = field(default_factory=dict)


# -- the worker process ---------------------------------------------------------------------


_SHARED: dict[str, Any] = {}  # in a worker: objects sent once by the parent, by key


def shared(key: str) -> Any:
    """In a worker: an object the parent sent with ``Job.shared``."""
    return _SHARED[key]


def run_here(job: Job) -> bytes:
    """Run a job in this process, without limits (``ASSESSOR_RENDER_WORKERS=0``, profiling)."""
    _SHARED.update(job.shared)
    return job.task(*job.args)


def convert(html: str, fmt: str) -> bytes:
    """Our HTML to PDF, DOCX or Markdown bytes."""
    from assessor.documents.pack import _convert

    return _convert(html, fmt)


def _cpu_seconds() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _limit_cpu(budget: float) -> None:
    """Backstop for the parent's wall-clock limit: SIGXCPU ends this process if one job
    burns more CPU than its budget, even if the parent has gone away."""
    import resource

    soft = math.ceil(_cpu_seconds() + budget)
    hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _serve(conn: Connection, memory_mb: int, timeout: float) -> None:
    """Worker main loop: receive ``(task, args, shared)``, send ``(status, payload)``."""
    import resource
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C goes to the parent, which ends us
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        hard = resource.getrlimit(resource.RLIMIT_AS)[1]
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    conn.send(("ready", os.getpid()))
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        except MemoryError:
            conn.send(("memory", ""))
            return
        except Exception as exc:  # a job that cannot be unpickled here
            conn.send(("error", f"{type(exc).__name__}: {exc}"[:2000]))
            continue
        if message is None:
            return
        task, args, sent = message
        _SHARED.update(sent)
        _limit_cpu(timeout + 10)
        try:
            data = task(*args)
        except MemoryError:
            data = None  # free what we can before saying so
            conn.send(("memory", ""))
            return  # the heap may be in a bad way: the parent replaces us
        except Exception as exc:
            conn.send(("error", f"{type(exc).__name__}: {exc}"[:2000]))
            continue
        conn.send(("ok", data))


# -- the pool in the calling process --------------------------------------------------------


@dataclass(eq=False)
class _Worker:
    process: Any
    conn: Connection
    jobs: int = 0
    known: set[str] = field(default_factory=set)  # keys of the shared objects it holds

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.close()
        with contextlib.suppress(Exception):
            self.process.kill()
            self.process.join(5)


@dataclass
class PoolStats:
    started: int = 0  # worker processes started
    replaced: int = 0  # workers killed after a timeout, memory error or crash
    jobs: int = 0
    start_seconds: list[float] = field(default_factory=list)  # wall time of each worker start


_forkserver_lock = threading.Lock()
_PRELOAD = ["assessor.documents.warmup"]


def _context(method: str) -> Any:
    ctx = multiprocessing.get_context(method)
    if method == "forkserver":
        with _forkserver_lock:
            ctx.set_forkserver_preload(_PRELOAD)
    return ctx


class RenderPool:
    """A warm, reusable set of worker processes. Use :func:`default_pool` in the app and CLI."""

    def __init__(
        self,
        workers: int | None = None,
        *,
        timeout: float | None = None,
        memory_mb: int | None = None,
        start_method: str = "forkserver",
    ) -> None:
        self.size = max(1, workers if workers is not None else default_workers() or 1)
        self.timeout = timeout if timeout is not None else default_timeout()
        self.memory_mb = memory_mb if memory_mb is not None else default_memory_mb()
        self.start_method = start_method
        self.stats = PoolStats()
        self._ctx = _context(start_method)
        # Each token is an idle worker or None (room to start one): acquiring never over-fills.
        self._tokens: queue.LifoQueue[_Worker | None] = queue.LifoQueue()
        for _ in range(self.size):
            self._tokens.put(None)
        self._live: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._pid = os.getpid()

    # workers

    def _spawn(self) -> _Worker:
        started = time.perf_counter()
        parent, child = multiprocessing.Pipe(duplex=True)
        process = self._ctx.Process(
            target=_serve, args=(child, self.memory_mb, self.timeout), daemon=True, name="assessor-render"
        )
        process.start()
        child.close()
        worker = _Worker(process, parent)
        try:
            if not parent.poll(READY_TIMEOUT):
                raise RenderError("The document renderer did not start in time.", reason="crash")
            status, _ = parent.recv()
            if status != "ready":
                raise RenderError("The document renderer did not start.", reason="crash")
        except (EOFError, OSError) as exc:
            worker.kill()
            raise RenderError("The document renderer could not start.", reason="crash") from exc
        except BaseException:
            worker.kill()
            raise
        with self._lock:
            self._live.add(worker)
            self.stats.started += 1
            self.stats.start_seconds.append(time.perf_counter() - started)
        return worker

    def _acquire(self, block: bool) -> _Worker | None:
        if self._closed:
            raise RenderError("The document renderer has been shut down.", reason="crash")
        try:
            token = self._tokens.get(block=block)
        except queue.Empty:
            return None
        if token is not None:
            return token
        try:
            return self._spawn()
        except BaseException:
            self._tokens.put(None)
            raise

    def _release(self, worker: _Worker) -> None:
        self._tokens.put(worker)

    def _discard(self, worker: _Worker, replaced: bool = True) -> None:
        worker.kill()
        with self._lock:
            self._live.discard(worker)
            if replaced:
                self.stats.replaced += 1
        self._tokens.put(None)

    def start(self) -> float:
        """Start every worker now (otherwise they start on first use); returns the seconds taken."""
        started = time.perf_counter()
        held = []
        try:
            while len(held) < self.size:
                worker = self._acquire(block=True)
                assert worker is not None
                held.append(worker)
        finally:
            for worker in held:
                self._release(worker)
        return time.perf_counter() - started

    def close(self) -> None:
        """Stop the idle workers; workers busy in another thread are stopped when they finish."""
        self._closed = True
        while True:
            try:
                token = self._tokens.get_nowait()
            except queue.Empty:
                break
            if token is not None:
                with contextlib.suppress(Exception):
                    token.conn.send(None)
                token.kill()
                with self._lock:
                    self._live.discard(token)

    # rendering

    def _failure(self, job: Job, reason: str, detail: str = "") -> RenderError:
        what = f"Rendering {job.title}"
        if job.fmt not in ("pdf", ""):
            what += f" ({job.fmt.upper()})"
        if reason == "timeout":
            message = (
                f"{what} took longer than {self.timeout:g} s and was stopped. The document may be too "
                "long: shorten the longest answers or notes and try again."
            )
        elif reason == "memory":
            message = (
                f"{what} needed more than {self.memory_mb} MiB of memory and was stopped. The document "
                "may be too long: shorten the longest answers or notes and try again."
            )
        elif reason == "crash":
            message = (
                f"{what} stopped unexpectedly (the renderer process ended; it may have run out of "
                f"memory, limit {self.memory_mb} MiB). Try again; if it happens again, shorten the "
                "longest answers or notes."
            )
        else:
            message = f"{what} failed: {detail}"
        return RenderError(message, title=job.title, reason=reason)

    def imap(self, jobs: Iterable[Job]) -> Iterator[tuple[Job, bytes | RenderError]]:
        """Render ``jobs`` on as many workers as are free; yield ``(job, bytes or RenderError)``
        as each finishes. A list is run longest first; any other iterable is consumed lazily,
        in order, as workers become free. Never raises RenderError for a job: it is yielded."""
        if os.getpid() != self._pid:
            raise RuntimeError("a RenderPool cannot be used from a forked child process")
        if isinstance(jobs, list):
            source: Iterator[Job] = iter(sorted(jobs, key=lambda j: -j.cost))
        else:
            source = iter(jobs)
        waiting: deque[Job] = deque()
        busy: dict[Connection, tuple[_Worker, Job, float]] = {}
        exhausted = False
        try:
            while True:
                # Hand out work while there are free workers (block only when none is running).
                while True:
                    if not waiting and not exhausted:
                        nxt = next(source, None)
                        if nxt is None:
                            exhausted = True
                        else:
                            waiting.append(nxt)
                    if not waiting:
                        break
                    worker = self._acquire(block=not busy)
                    if worker is None:
                        break
                    job = waiting.popleft()
                    sent = {k: v for k, v in job.shared.items() if k not in worker.known}
                    try:
                        worker.conn.send((job.task, job.args, sent))
                        worker.known.update(sent)
                    except (OSError, ValueError):
                        self._discard(worker)
                        waiting.appendleft(job)
                        continue
                    worker.jobs += 1
                    self.stats.jobs += 1
                    busy[worker.conn] = (worker, job, time.monotonic() + self.timeout)
                if not busy:
                    return
                first_deadline = min(deadline for _, _, deadline in busy.values())
                ready = wait(list(busy), timeout=max(0.0, first_deadline - time.monotonic()))
                for conn in ready:
                    worker, job, _ = busy.pop(conn)  # type: ignore[index]
                    try:
                        status, payload = worker.conn.recv()
                    except (EOFError, OSError):
                        status, payload = "crash", ""
                    if status == "ok":
                        self._release(worker)
                        yield job, payload
                    elif status == "error":
                        worker.known.clear()  # resend shared objects: this job's may not have arrived
                        self._release(worker)
                        yield job, self._failure(job, "error", payload)
                    else:
                        self._discard(worker)
                        yield job, self._failure(job, "memory" if status == "memory" else "crash")
                now = time.monotonic()
                for conn, (worker, job, deadline) in list(busy.items()):
                    if now >= deadline:
                        del busy[conn]
                        self._discard(worker)
                        yield job, self._failure(job, "timeout")
        finally:
            # Abandoned (the caller stopped early or was interrupted): results still coming
            # are not wanted, and a worker holding one cannot be reused, so replace it.
            for worker, _, _ in busy.values():
                self._discard(worker, replaced=False)

    def run(self, job: Job) -> bytes:
        """Run one job; raises RenderError."""
        for _, result in self.imap([job]):
            if isinstance(result, RenderError):
                raise result
            return result
        raise AssertionError("unreachable")


_default: RenderPool | None = None
_default_lock = threading.Lock()


def default_pool() -> RenderPool:
    """The process-wide pool, created on first use with the limits from the environment."""
    global _default
    with _default_lock:
        if _default is None or _default._pid != os.getpid() or _default._closed:
            _default = RenderPool()
        return _default


def shutdown() -> None:
    global _default
    with _default_lock:
        if _default is not None:
            _default.close()
            _default = None


atexit.register(shutdown)
