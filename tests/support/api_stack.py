"""The three APIs of the Procfile behind the gateway's nginx, with pages on two other
origins: one listed in CORS_ORIGINS, one not (for browser tests of docs and CORS)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from support.gateway import Gateway
from support.servers import RedisServer, free_port
from support.stack import TOKEN, Stack

APIS = ("articles", "counter", "weather")


class _BlankPage(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<!DOCTYPE html><title>another site</title><p>another site</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class OriginSite:
    """A site on its own loopback port: a browser page there is another origin."""

    def __init__(self) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), _BlankPage)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> OriginSite:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class ApiStack:
    stack: Stack
    gateway: Gateway
    allowed: OriginSite
    refused: OriginSite

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {TOKEN}"}


def running_api_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiStack]:
    """For a fixture: the stack, started, with two published articles; stopped after."""
    workdir = Path(tmp_path_factory.mktemp("api-stack"))
    redis_server = RedisServer().start()
    allowed, refused = OriginSite().start(), OriginSite().start()
    stack = Stack(workdir, redis_server.url, env={"CORS_ORIGINS": allowed.url})
    gateway = Gateway(
        workdir / "gateway",
        {
            "web": f"127.0.0.1:{free_port()}",  # no web here: the APIs are under test
            **{name: stack.url(name).removeprefix("http://") for name in APIS},
        },
    )
    try:
        stack.migrate()
        stack.start(*APIS)
        gateway.start()
        _publish_sample(stack)
        yield ApiStack(stack, gateway, allowed, refused)
    finally:
        gateway.stop()
        stack.close()
        allowed.stop()
        refused.stop()
        redis_server.cleanup()


def _publish_sample(stack: Stack) -> None:
    articles = stack.url("articles")
    created = requests.post(
        articles + "/v1/categories",
        json={"slug": "kinh-te", "name": "Kinh tế"},
        headers=stack.auth,
        timeout=10,
    )
    assert created.status_code == 201, created.text
    for title in ("Mùa lúa chín ở Mù Cang Chải", "Hồ Thác Bà đón khách"):
        made = requests.post(
            articles + "/v1/articles",
            json={"title": title, "category": "kinh-te", "status": "published"},
            headers=stack.auth,
            timeout=10,
        )
        assert made.status_code == 201, made.text
