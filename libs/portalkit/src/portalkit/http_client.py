"""The one outgoing HTTP client: requests with default timeouts and the request id passed on."""

from __future__ import annotations

from typing import Any

import requests

from portalkit.logging import request_id_var


class Session(requests.Session):
    """A ``requests.Session`` that never waits forever and carries ``X-Request-ID``."""

    def __init__(
        self, timeout: float | tuple[float, float] = (1.0, 3.0), user_agent: str = ""
    ) -> None:
        super().__init__()
        self.default_timeout = timeout
        if user_agent:
            self.headers["User-Agent"] = user_agent

    def request(
        self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any
    ) -> requests.Response:  # type: ignore[override]
        kwargs.setdefault("timeout", self.default_timeout)
        rid = request_id_var.get()
        if rid:
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("X-Request-ID", rid)
            kwargs["headers"] = headers
        return super().request(method, url, *args, **kwargs)


def relayed(upstream: requests.Response, passed_back: tuple[str, ...]) -> Any:
    """A Flask response streaming ``upstream``'s body (closed when sent or abandoned) with
    its status and the headers named in ``passed_back``."""
    from flask import Response, stream_with_context

    def body():
        try:
            yield from upstream.iter_content(64 * 1024)
        finally:
            upstream.close()

    response = Response(stream_with_context(body()), status=upstream.status_code)
    for key in passed_back:
        if key in upstream.headers:
            response.headers[key] = upstream.headers[key]
    return response
