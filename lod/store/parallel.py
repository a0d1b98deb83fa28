"""Work spread over the cores: forked processes that inherit what the build has read so far.

A build's work on one record file does not depend on any other file once the catalogue is known,
so it goes to a pool of forked processes, one per core. They are forked before the build opens
its store, and they receive only file names: what they need (the data directory, the catalogue)
is already in their memory, as the build's parent left it.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

Item = TypeVar("Item")
Out = TypeVar("Out")

#: Below this many items one process does the work: starting a pool costs more.
SMALL = 64
#: Results made ahead of the taker, per process.
AHEAD = 32


def in_parallel(
    work: Callable[[Item], Out],
    items: Sequence[Item],
    workers: int | None = None,
    ahead: int = AHEAD,
    small: int = SMALL,
) -> Iterator[Out]:
    """``work`` on each item, results in the order of ``items``, on every core when there are many.

    The processes are forked by this call, not when the results are first asked for: call it
    before opening anything that must not be forked (a store). At most ``ahead`` results per
    process wait to be taken, so memory stays bounded when the taker is slower than the workers;
    fewer than ``small`` items are worked on in this process.
    """
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(items) < small:
        return map(work, items)
    pool = multiprocessing.get_context("fork").Pool(workers)
    return _results(pool, work, items, ahead * workers)


def _results(pool: Any, work: Callable[[Item], Out], items: Sequence[Item], window: int) -> Iterator[Out]:
    pending: deque[Any] = deque()
    try:
        for item in items:
            pending.append(pool.apply_async(work, (item,)))
            if len(pending) >= window:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
    finally:
        pool.terminate()
        pool.join()
