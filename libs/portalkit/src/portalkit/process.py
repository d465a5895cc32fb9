"""Starting a long-running process (relay, consumer, worker): settings, logs, signals."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from portalkit.config import load_or_exit
from portalkit.logging import configure_logging

S = TypeVar("S")


def start_process(service: str, load_settings: Callable[[], S]) -> S:
    """Read settings (stopping with one line on a bad value) and switch logs to JSON lines."""
    settings = load_or_exit(load_settings)
    configure_logging(service, getattr(settings, "log_level", "INFO"))
    return settings
