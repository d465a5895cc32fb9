"""gunicorn's threaded worker, guarded against slow clients and speaking problem+json
(``HTTP_SERVER=gunicorn``: portalkit/serve.py).

A connection reaches a thread only once its request head (request line and headers) has
arrived whole: until then it waits in the worker's poller, and is closed when
``read_timeout`` passes first, so half-sent requests hold no thread. Reads of the body
wait at most ``read_timeout`` each. The errors gunicorn answers itself (400, 414, 431...)
are problem+json like the apps' own.
"""

from __future__ import annotations

import html
import json
import re
import selectors
import socket
import time
from collections import deque
from functools import partial
from typing import Any

from gunicorn import util
from gunicorn.workers.gthread import ThreadWorker

from portalkit.problems import PROBLEM_MIMETYPE, TYPE_BASE

_HEAD_END = b"\r\n\r\n"
_WHOLE, _MORE, _GONE = "whole", "more", "gone"
_STATUS_LINE = re.compile(rb"^HTTP/1\.1 (\d{3}) ([^\r\n]*)")
_MESSAGE = re.compile(rb"</h1>\s*(.*?)\s*</body>", re.S)


class GuardedThreadWorker(ThreadWorker):
    """gunicorn's ``worker_class`` as portalkit.serve sets it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from portalkit.serve import ServerSettings

        self.read_timeout = ServerSettings.from_env().read_timeout_s
        self.head_limit = (
            self.cfg.limit_request_line
            + self.cfg.limit_request_fields * (self.cfg.limit_request_field_size + 2)
            + 4
        )
        self.reading_heads: deque = deque()

    # the request head, read in the poller --------------------------------------------

    def enqueue_req(self, conn: Any) -> None:
        if self.cfg.is_ssl or getattr(conn, "head", None) is not None or _has_head(conn):
            super().enqueue_req(conn)  # TLS ends at the gateway; none is read raw here
            return
        conn.head = None
        # Bytes a kept-alive connection already read of its next request come first.
        conn.partial_head = bytearray(conn.parser.unreader.take_buffered() if conn.parser else b"")
        conn.timeout = time.monotonic() + self.read_timeout
        conn.sock.setblocking(False)
        state = self._take_head(conn)  # usually the whole head is there already
        if state == _MORE:
            self.reading_heads.append(conn)
            self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._read_head, conn))
        else:
            self._head_read(conn, state)

    def _read_head(self, conn: Any, _client: Any = None) -> None:
        """The poller's callback: more of a head has arrived (or the client left)."""
        state = self._take_head(conn)
        if state != _MORE:
            self.poller.unregister(conn.sock)
            self.reading_heads.remove(conn)
            self._head_read(conn, state)

    def _take_head(self, conn: Any) -> str:
        """Read what has arrived: the head is whole (``_WHOLE``), not yet (``_MORE``), or the
        client is gone (``_GONE``)."""
        try:
            data = conn.sock.recv(65536)
        except BlockingIOError:
            return _MORE
        except OSError:
            return _GONE
        if not data:
            return _GONE
        conn.partial_head += data
        if _HEAD_END in conn.partial_head or len(conn.partial_head) > self.head_limit:
            return _WHOLE
        return _MORE

    def _head_read(self, conn: Any, state: str) -> None:
        """A whole head goes to a thread; a connection whose client left is closed."""
        if state == _GONE:
            self.nr_conns -= 1
            conn.close()
            return
        conn.head, conn.partial_head = bytes(conn.partial_head), None
        conn.data_ready = True
        super().enqueue_req(conn)

    def murder_pending(self) -> None:
        """Close connections whose head did not arrive within ``read_timeout`` too."""
        super().murder_pending()
        now = time.monotonic()
        while self.reading_heads and self.reading_heads[0].timeout <= now:
            conn = self.reading_heads.popleft()
            self.poller.unregister(conn.sock)
            self._head_read(conn, _GONE)

    # the request, in a thread -----------------------------------------------------------

    def handle(self, conn: Any) -> Any:
        head = getattr(conn, "head", None)
        if head is not None:
            conn.head = None
            conn.sock.setblocking(True)
            conn.init()
            conn.parser.unreader.unread(head)
            conn.parser.unreader.sock = _TimedReads(conn.sock, self.read_timeout)
        return super().handle(conn)

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        """gunicorn's own error answer, rewritten as problem+json."""
        capture = _Capture()
        super().handle_error(req, capture, addr, exc)
        if capture.data:
            try:
                util.write_nonblock(client, _as_problem(capture.data))
            except Exception:
                self.log.debug("Failed to send error message.")


def _has_head(conn: Any) -> bool:
    """Whether bytes already read on a kept-alive connection hold a whole request head."""
    parser = getattr(conn, "parser", None)
    return parser is not None and _HEAD_END in parser.unreader.buf.getvalue()


class _TimedReads:
    """The socket as gunicorn's body reader sees it: a read that waits longer than
    ``timeout`` ends the body, as a client that went away does (the app answers 400)."""

    def __init__(self, sock: socket.socket, timeout: float) -> None:
        self.sock = sock
        self.timeout = timeout

    def recv(self, size: int) -> bytes:
        self.sock.settimeout(self.timeout)
        try:
            return self.sock.recv(size)
        except TimeoutError:
            return b""

    def __getattr__(self, name: str) -> Any:
        return getattr(self.sock, name)


class _Capture:
    """Stands in for the client socket while gunicorn writes its HTML error answer."""

    def __init__(self) -> None:
        self.data = b""

    def gettimeout(self) -> float:
        return 0.0

    def sendall(self, data: bytes) -> None:
        self.data += data

    send = sendall


def _as_problem(answer: bytes) -> bytes:
    """gunicorn's HTML error answer as a problem+json one, same status."""
    status_line = _STATUS_LINE.match(answer)
    status, reason = (int(status_line[1]), status_line[2].decode()) if status_line else (500, "")
    message = _MESSAGE.search(answer)
    detail = html.unescape(message[1].decode("latin-1")) if message else ""
    body = json.dumps(
        {
            "type": TYPE_BASE + reason.lower().replace(" ", "-"),
            "title": reason,
            "status": status,
            "detail": detail or reason,
        }
    ).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\n"
        f"Content-Type: {PROBLEM_MIMETYPE}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1") + body
