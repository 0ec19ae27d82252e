"""Loopback ports for the servers tests start (bot processes, their web servers), free of races with others.

A port found by binding port 0 and closing the socket can be taken before the server binds it: by another
xdist worker doing the same, or by any outgoing connection, as the kernel hands out both from its ephemeral
range (Linux: 32768–60999). These ports come from below that range: each xdist worker of a run has a block of
its own (the run's blocks placed by its id, so that two runs on one machine seldom meet), handed out one after
another and each checked free when handed out.
"""

from __future__ import annotations

import itertools
import os
import random
import socket
import zlib

FIRST, END = 20000, 32768
"""The ports handed out: [FIRST, END), below the kernel's ephemeral ports."""
MAX_BLOCK = 500


def _block() -> range:
    """This worker's ports: the run's workers share the span in disjoint blocks."""
    span = END - FIRST
    workers = max(1, int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")))
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID") or str(os.getpid())
    size = max(1, min(MAX_BLOCK, span // workers))
    start = (zlib.crc32(run.encode()) + worker * size) % span
    return range(start, start + size)


def _candidates() -> itertools.cycle[int]:
    block = _block()
    first = random.randrange(len(block))  # noqa: S311 - not a secret: where this process starts in its block
    order = [FIRST + (n % (END - FIRST)) for n in (*block[first:], *block[:first])]
    return itertools.cycle(order)


_ports = _candidates()


def free_port() -> int:
    """A loopback port nobody listens on now, and that no other worker of this run is handed."""
    for _ in range(MAX_BLOCK):
        port = next(_ports)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    raise RuntimeError("no free port in this worker's block")
