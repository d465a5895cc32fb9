"""Starting a long-running process (relay, consumer, worker): settings, logs, signals.

Every non-HTTP process of the portal has the same ``main``:
``run_process("counter-consumer", Settings.from_env, build, metrics)`` where ``build``
makes the workers (objects with ``run()`` and ``stop()``) from the settings, and
``metrics`` gives what the process serves on ``METRICS_PORT``.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from portalkit.config import load_or_exit
from portalkit.logging import configure_logging
from portalkit.process_metrics import ProcessMetrics, serve_metrics

S = TypeVar("S")

log = logging.getLogger(__name__)


class Worker(Protocol):
    """A loop that runs until told to stop (a :class:`portalkit.streams.Consumer`, a relay)."""

    def run(self) -> None: ...

    def stop(self, *_: object) -> None: ...


W = TypeVar("W", bound=Worker)


def start_process(service: str, load_settings: Callable[[], S]) -> S:
    """Read settings (stopping with one line on a bad value) and switch logs to JSON lines."""
    settings = load_or_exit(load_settings)
    configure_logging(service, getattr(settings, "log_level", "INFO"))
    return settings


def run_process(
    service: str,
    load_settings: Callable[[], S],
    build: Callable[[S], Sequence[W]],
    metrics: Callable[[Sequence[W]], ProcessMetrics] | None = None,
) -> None:
    """The ``main`` of a long-running process: settings, logs, its metrics when
    ``METRICS_PORT`` is set, then its workers until a signal."""
    settings = start_process(service, load_settings)
    workers = build(settings)
    if metrics is not None:
        serve_metrics(settings, metrics(workers).registry, service)  # type: ignore[arg-type]
    run_workers(workers)


def run_workers(workers: Sequence[Worker]) -> None:
    """Run every worker in its own thread until SIGTERM or SIGINT stops them all.

    A worker that fails stops the others, and the process ends with status 1.
    """
    failed = threading.Event()

    def stop_all(*_: object) -> None:
        for worker in workers:
            worker.stop()

    def run(worker: Worker) -> None:
        try:
            worker.run()
        except BaseException:
            log.exception("worker failed; stopping the process")
            failed.set()
            stop_all()

    signal.signal(signal.SIGTERM, stop_all)
    signal.signal(signal.SIGINT, stop_all)
    threads = [threading.Thread(target=run, args=(worker,)) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        while thread.is_alive():  # a timed join lets the main thread take signals
            thread.join(timeout=1.0)
    if failed.is_set():
        raise SystemExit(1)
