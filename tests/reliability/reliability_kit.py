"""Helpers of the reliability suite: one line of figures, callers on threads, PostgreSQL URLs."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any, Self
from urllib.parse import urlsplit, urlunsplit

import requests

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36"


def figures(name: str, **values: object) -> str:
    """One line of figures, e.g. ``sigkill: events=10000 lost=0``; printed and returned."""
    line = f"{name}: " + " ".join(f"{key}={value}" for key, value in values.items())
    print(line)
    return line


def via_port(url: str, host: str, port: int) -> str:
    """The same database URL, reached through ``host:port`` (a proxy)."""
    parts = urlsplit(url)
    credentials = parts.netloc.rpartition("@")[0]
    netloc = f"{credentials}@{host}:{port}" if credentials else f"{host}:{port}"
    return urlunsplit(parts._replace(netloc=netloc))


class Callers:
    """Threads calling the stack until the ``with`` block ends; ``answers`` keeps what came
    back (added with :meth:`keep`)."""

    def __init__(self, loops: list[tuple[Callable[..., None], tuple[Any, ...]]]) -> None:
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.answers: list[tuple] = []
        self.threads = [threading.Thread(target=loop, args=args) for loop, args in loops]

    def keep(self, answer: tuple) -> None:
        with self.lock:
            self.answers.append(answer)

    def __enter__(self) -> Self:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()


def new_view(counter_url: str, article_id: int) -> dict:
    """One view of ``article_id`` by a new visitor, through the counter API; its answer."""
    reply = requests.post(
        counter_url + "/v1/views",
        json={"article_id": article_id, "visitor_id": uuid.uuid4().hex},
        headers={"User-Agent": BROWSER},
        timeout=10,
    )
    return reply.json()
