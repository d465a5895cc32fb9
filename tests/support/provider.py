"""A local stand-in for the weather providers on a loopback port.

The provider is the one outside party, so it is the one thing the tests imitate: it
answers as Open-Meteo (``/v1/forecast``) and OpenWeatherMap (``/data/2.5/weather``,
``/data/2.5/forecast``) do (see provider_replies.py). A test chooses what it answers
with ``set``: a reading (``ok``), one without pressure, humidity and wind
(``missing``), an HTTP error (``500``, ``429``: as Open-Meteo, without ``Retry-After``
unless ``retry_after`` is given), a hang, broken JSON; and it reads how many requests
each place caused.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlparse

from support.provider_replies import (
    BadRequest,
    Weather,
    open_meteo_reply,
    openweathermap_current,
    openweathermap_forecast,
)

OPEN_METEO_PATH = "/v1/forecast"
OWM_PATH = "/data/2.5"
RATE_LIMITED = {
    OPEN_METEO_PATH: {
        "error": True,
        "reason": "Minutely API request limit exceeded. Please try again in one minute.",
    },
    OWM_PATH: {
        "cod": 429,
        "message": "Your account is temporary blocked due to exceeding of requests limitation "
        "of your subscription type.",
    },
}


class FakeProvider:
    """Serves both providers' endpoints. ``mode`` picks the answer."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.mode = "ok"
        self.options: dict[str, Any] = {}
        self.requests: Counter[tuple[str, str]] = Counter()
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer((host, 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                return

            def do_GET(self) -> None:
                url = urlparse(self.path)
                query = dict(parse_qsl(url.query))
                status, body, headers = provider.answer(url.path, query)
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(data)

        return Handler

    def answer(self, path: str, query: dict[str, str]) -> tuple[int, str, dict[str, str]]:
        """The status, body and headers for one request, as the current mode has it."""
        lat, lon = query.get("latitude", query.get("lat")), query.get("longitude", query.get("lon"))
        with self.lock:
            self.requests[(str(lat), str(lon))] += 1
            mode, options = self.mode, dict(self.options)
        seconds = options.pop("seconds", 5)
        if mode == "hang":
            time.sleep(seconds)
            mode = "ok"
        api = OPEN_METEO_PATH if path == OPEN_METEO_PATH else OWM_PATH
        if mode == "429":
            retry_after = options.get("retry_after")
            headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
            return 429, json.dumps(RATE_LIMITED[api]), headers
        if mode.isdigit():
            return int(mode), '{"error": true, "reason": "server trouble"}', {}
        options.pop("retry_after", None)
        weather = Weather(**options)
        if mode == "missing":
            weather = weather.missing()
        try:
            reply = self._reply(path, query, weather)
        except BadRequest as exc:
            return 400, json.dumps({"error": True, "reason": str(exc)}), {}
        except LookupError as exc:
            return exc.args[0], json.dumps(exc.args[1]), {}
        if mode == "wrong-types" and "current" in reply:
            reply["current"].update(temperature_2m="hot", pressure_msl=[1], weather_code="x")
        body = json.dumps(reply)
        return 200, body[:80] if mode == "truncated" else body, {}

    @staticmethod
    def _reply(path: str, query: dict[str, str], weather: Weather) -> dict[str, Any]:
        if path == OPEN_METEO_PATH:
            return open_meteo_reply(query, weather)
        if path in (f"{OWM_PATH}/weather", f"{OWM_PATH}/forecast"):
            if not query.get("appid"):
                raise LookupError(401, {"cod": 401, "message": "Invalid API key."})
            if path.endswith("/weather"):
                return openweathermap_current(query, weather)
            return openweathermap_forecast(query, weather)
        raise LookupError(404, {"error": True, "reason": "Not Found"})

    @property
    def url(self) -> str:
        """Open-Meteo's forecast endpoint (``OPEN_METEO_URL``)."""
        return f"http://127.0.0.1:{self.server.server_port}{OPEN_METEO_PATH}"

    @property
    def owm_url(self) -> str:
        """OpenWeatherMap's API root (``OPENWEATHERMAP_URL``)."""
        return f"http://127.0.0.1:{self.server.server_port}{OWM_PATH}"

    def set(self, mode: str, **options: object) -> None:
        """Answer ``mode`` from now on; options are :class:`Weather` fields, ``seconds``
        (hang) and ``retry_after`` (429)."""
        allowed = {f.name for f in dataclasses.fields(Weather)} | {"seconds", "retry_after"}
        unknown = set(options) - allowed
        if unknown:
            raise TypeError(f"unknown provider options: {sorted(unknown)}")
        with self.lock:
            self.mode, self.options = mode, options

    def total_requests(self) -> int:
        with self.lock:
            return sum(self.requests.values())

    def start(self) -> FakeProvider:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
