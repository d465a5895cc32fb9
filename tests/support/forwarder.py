"""An HTTP forwarder a test puts between two of our processes, to see what passes.

It hands every request on to the real service unchanged and records, for each
exchange, the ``X-Request-ID`` the caller sent and the one the service echoed.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

from support.servers import free_port

# Hop-by-hop headers, and those requests recomputes after decoding the body.
_DROPPED = {"connection", "keep-alive", "transfer-encoding", "content-encoding", "content-length"}


@dataclass(frozen=True)
class Exchange:
    method: str
    path: str
    status: int
    sent_id: str | None
    echoed_id: str | None
    cache_control: str | None = None


class Forwarder:
    """Forwards ``127.0.0.1:<port>`` to ``target`` (a base URL), recording each exchange."""

    def __init__(self, target: str) -> None:
        self.target = target.rstrip("/")
        self.port = free_port()
        self.exchanges: list[Exchange] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Forwarder:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def forget(self) -> None:
        with self._lock:
            self.exchanges.clear()

    def _record(self, exchange: Exchange) -> None:
        with self._lock:
            self.exchanges.append(exchange)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        forwarder = self

        class Handler(BaseHTTPRequestHandler):
            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _DROPPED}
                reply = requests.request(
                    self.command,
                    forwarder.target + self.path,
                    headers=headers,
                    data=body,
                    allow_redirects=False,
                    timeout=30,
                )
                forwarder._record(
                    Exchange(
                        self.command,
                        self.path,
                        reply.status_code,
                        self.headers.get("X-Request-ID"),
                        reply.headers.get("X-Request-ID"),
                        self.headers.get("Cache-Control"),
                    )
                )
                self.send_response(reply.status_code)
                for name, value in reply.headers.items():
                    if name.lower() not in _DROPPED:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.content)))
                self.end_headers()
                self.wfile.write(reply.content)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _forward

            def log_message(self, *_: object) -> None:
                return None

        return Handler
