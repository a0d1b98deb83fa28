"""SPARQL queries run in worker processes that are killed when they run out of time.

pyoxigraph cannot be interrupted once it computes a result (an ORDER BY, a GROUP BY, a cartesian
product compute everything before the first row), and it holds the interpreter while it does. So
each query runs in a worker process of its own pool (:mod:`lod.store.queryworker`): the server
waits at most the time limit, then kills the worker, which frees its CPU and memory at once, and
starts another in the background. The server talks to its workers over socket pairs from its event
loop, so waiting for a query costs no thread; unless remote ``SERVICE`` calls are allow-listed, the
workers live in a network namespace of their own with no way out (where the system lets them).
"""

from __future__ import annotations

import asyncio
import json
import logging
import marshal
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from lod.store.queryworker import HEADER, QueryJob, QueryOutcome, receive

__all__ = ["Busy", "QueryJob", "QueryOutcome", "QueryPool", "QueryTimeout"]
log = logging.getLogger("lod.sparql")
STARTING = 120.0  # seconds a query waits for the first worker to start
_WORKER = "import sys; from lod.store.queryworker import main; main(sys.argv[1:])"


class QueryTimeout(Exception):
    """The query ran out of time and its worker was stopped."""


class Busy(Exception):
    """Every worker is busy and the queue is full."""


@dataclass(eq=False)
class _Worker:
    process: subprocess.Popen[bytes]
    sock: socket.socket


class QueryPool:
    """A fixed number of query worker processes, a bounded queue, and a time limit per query.

    Safe to use from several event loops at once (each request waits on its own loop).
    """

    def __init__(
        self,
        var_dir: Path,
        size: int = 2,
        timeout: float = 10.0,
        max_rows: int = 10_000,
        max_bytes: int = 50_000_000,
        queue_limit: int = 8,
        isolate: bool = True,
        prefixes: dict[str, str] | None = None,
    ) -> None:
        self.var_dir = var_dir
        self.size = size
        self.timeout = timeout
        self.max_rows = max_rows
        self.max_bytes = max_bytes
        self.queue_limit = queue_limit
        self.isolate = isolate
        self.prefixes = prefixes or {}
        self.isolated: bool | None = None
        self._lock = threading.Lock()
        self._idle: deque[_Worker] = deque()
        self._waiters: deque[asyncio.Future[_Worker]] = deque()
        self._workers: set[_Worker] = set()
        self._spawning: list[threading.Thread] = []
        self._up = threading.Event()  # a worker has started
        self._waiting = 0
        self._started = False
        self._closed = False

    def start(self) -> None:
        """Start the workers in the background (also done on first use); queries wait for the first."""
        with self._lock:
            if self._started:
                return
            self._started = True
        for _ in range(self.size):
            self._spawn()

    async def run(self, job: QueryJob) -> QueryOutcome:
        """Run a query on an idle worker; :class:`Busy` when too many wait, :class:`QueryTimeout`."""
        self.start()
        with self._lock:
            if self._waiting >= self.size + self.queue_limit:
                raise Busy(f"{self._waiting} queries are running or waiting")
            self._waiting += 1
        loop = asyncio.get_running_loop()
        try:
            if not self._up.is_set():  # the time limit starts once a worker is there
                await asyncio.to_thread(self._up.wait, STARTING)
            deadline = loop.time() + self.timeout
            worker = await self._take(loop, deadline)
            return await self._exchange(loop, worker, job, deadline)
        finally:
            with self._lock:
                self._waiting -= 1

    def close(self) -> None:
        """Stop every worker (waiting for replacements being started)."""
        with self._lock:
            self._closed = True
        self._up.set()
        for thread in self._spawning:
            thread.join(timeout=30)
        with self._lock:
            workers, self._workers = self._workers, set()
            self._idle.clear()
        for worker in workers:
            worker.process.kill()
            worker.process.wait(timeout=5)
            worker.sock.close()

    async def aclose(self) -> None:
        """Nothing more to close on the event loop: :meth:`close` has stopped the workers."""

    def _launch(self) -> tuple[subprocess.Popen[bytes], socket.socket]:
        ours, theirs = socket.socketpair()
        arguments = [str(theirs.fileno()), str(self.var_dir), "1" if self.isolate else "0"]
        arguments += [str(self.max_rows), str(self.max_bytes), json.dumps(self.prefixes)]
        process = subprocess.Popen(
            [sys.executable, "-c", _WORKER, *arguments],
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
        )
        theirs.close()
        return process, ours

    def _ready(self, process: subprocess.Popen[bytes], sock: socket.socket) -> _Worker:
        """Wait for a launched worker to say it is ready (and whether it left the network)."""
        sock.settimeout(120)
        try:
            _, isolated = receive(sock)
        except (EOFError, OSError) as err:
            process.kill()
            sock.close()
            raise RuntimeError(f"a query worker failed to start: {err or 'it exited'}") from None
        sock.setblocking(False)
        if self.isolate and not isolated and self.isolated is None:
            log.warning(
                "query workers could not leave the network (no permission); SERVICE is refused by the check alone"
            )
        self.isolated = isolated
        worker = _Worker(process, sock)
        with self._lock:
            self._workers.add(worker)
        return worker

    async def _take(self, loop: asyncio.AbstractEventLoop, deadline: float) -> _Worker:
        with self._lock:
            if self._idle:
                return self._idle.popleft()
            waiter: asyncio.Future[_Worker] = loop.create_future()
            self._waiters.append(waiter)
        try:
            return await asyncio.wait_for(waiter, max(0.0, deadline - loop.time()))
        except TimeoutError:
            raise Busy("no query worker became free in time") from None

    def _give(self, worker: _Worker) -> None:
        """An idle worker goes to the longest-waiting request, on that request's loop, or to the idle list."""
        with self._lock:
            while self._waiters:
                waiter = self._waiters.popleft()
                if not waiter.done():
                    break
            else:
                self._idle.append(worker)
                return
        loop = waiter.get_loop()
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._hand(waiter, worker)
        else:
            loop.call_soon_threadsafe(self._hand, waiter, worker)

    def _hand(self, waiter: asyncio.Future[_Worker], worker: _Worker) -> None:
        if waiter.done():  # it stopped waiting meanwhile
            self._give(worker)
        else:
            waiter.set_result(worker)

    async def _exchange(
        self, loop: asyncio.AbstractEventLoop, worker: _Worker, job: QueryJob, deadline: float
    ) -> QueryOutcome:
        """Send the job, wait for the outcome; at the deadline the worker is killed, which ends the wait."""
        expired = False

        def expire() -> None:
            nonlocal expired
            expired = True
            worker.process.kill()

        timer = loop.call_later(max(0.0, deadline - loop.time()), expire)
        try:
            await _send(loop, worker.sock, marshal.dumps(tuple(job)))
            outcome = QueryOutcome(*marshal.loads(await _receive(loop, worker.sock)))
        except (EOFError, OSError):
            timer.cancel()
            self._replace(worker)
            if expired:
                raise QueryTimeout(f"the query ran for more than {self.timeout:g} s and was stopped") from None
            return QueryOutcome("error", message="the query worker stopped")
        except BaseException:  # the request was cancelled: the worker may still be busy with it
            timer.cancel()
            self._replace(worker)
            raise
        timer.cancel()
        if expired:
            self._replace(worker)
        else:
            self._give(worker)
        return outcome

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker (its CPU and memory are freed at once) and start another in the background."""
        worker.process.kill()
        worker.sock.close()
        with self._lock:
            self._workers.discard(worker)
            if self._closed:
                return
        self._spawn(worker.process)

    def _spawn(self, stopped: subprocess.Popen[bytes] | None = None) -> None:
        """Start a worker in the background (once ``stopped`` has exited), trying again while it fails."""

        def spawn() -> None:
            if stopped is not None:
                stopped.wait(timeout=5)
            while True:
                with self._lock:
                    if self._closed:
                        return
                try:
                    fresh = self._ready(*self._launch())
                    break
                except (RuntimeError, OSError) as err:
                    log.error("%s; trying again in 5 s", err)
                    time.sleep(5)
            with self._lock:
                closed = self._closed
            if closed:
                fresh.process.kill()
                return
            self._give(fresh)
            self._up.set()

        thread = threading.Thread(target=spawn, daemon=True)
        with self._lock:
            self._spawning = [t for t in self._spawning if t.is_alive()] + [thread]
        thread.start()


async def _send(loop: asyncio.AbstractEventLoop, sock: socket.socket, payload: bytes) -> None:
    data = HEADER.pack(len(payload)) + payload
    try:
        sent = sock.send(data)
    except BlockingIOError:
        sent = 0
    if sent < len(data):
        await loop.sock_sendall(sock, data[sent:])


async def _receive(loop: asyncio.AbstractEventLoop, sock: socket.socket) -> bytes:
    """One message's payload, or EOFError when the worker is gone."""
    buffer = bytearray()
    size = None
    while size is None or len(buffer) < HEADER.size + size:
        wanted = 65536 if size is None else min(HEADER.size + size - len(buffer), 1 << 22)
        chunk = await loop.sock_recv(sock, wanted)
        if not chunk:
            raise EOFError
        buffer += chunk
        if size is None and len(buffer) >= HEADER.size:
            size = HEADER.unpack_from(buffer)[0]
    return bytes(buffer[HEADER.size :])
