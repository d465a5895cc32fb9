"""A local stand-in for the weather provider: Open-Meteo-shaped JSON on a loopback port.

The provider is the one outside party, so it is the one thing the tests imitate. A test
chooses what it answers (a full reading, one without pressure/humidity/wind, an HTTP
error, a hang, broken JSON) and reads how many requests each place caused.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


def open_meteo_reply(
    lat: float,
    lon: float,
    *,
    temperature: float = 15.0,
    low: float = 13.0,
    high: float = 17.0,
    code: int = 3,
    pressure: float | None = 1012.4,
    humidity: float | None = 84,
    wind: float | None = 7.2,
) -> dict:
    current = {
        "time": time.strftime("%Y-%m-%dT%H:%M", time.gmtime(time.time() + 7 * 3600)),
        "interval": 900,
        "temperature_2m": temperature,
        "weather_code": code,
    }
    units = {"temperature_2m": "°C", "weather_code": "wmo code"}
    for name, value, unit in (
        ("surface_pressure", pressure, "hPa"),
        ("relative_humidity_2m", humidity, "%"),
        ("wind_speed_10m", wind, "km/h"),
    ):
        if value is not None:
            current[name] = value
            units[name] = unit
    return {
        "latitude": lat,
        "longitude": lon,
        "timezone": "Asia/Ho_Chi_Minh",
        "timezone_abbreviation": "GMT+7",
        "utc_offset_seconds": 25200,
        "current_units": units,
        "current": current,
        "daily_units": {"temperature_2m_max": "°C", "temperature_2m_min": "°C"},
        "daily": {
            "time": [time.strftime("%Y-%m-%d", time.gmtime(time.time() + 7 * 3600))],
            "temperature_2m_max": [high],
            "temperature_2m_min": [low],
        },
    }


class FakeProvider:
    """Serves Open-Meteo's forecast endpoint. ``mode`` picks the answer."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.options: dict = {}
        self.requests: Counter[tuple[str, str]] = Counter()
        self.lock = threading.Lock()
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                return

            def do_GET(self) -> None:
                query = parse_qs(urlparse(self.path).query)
                lat = query.get("latitude", ["0"])[0]
                lon = query.get("longitude", ["0"])[0]
                with provider.lock:
                    provider.requests[(lat, lon)] += 1
                    mode, options = provider.mode, dict(provider.options)
                if mode == "hang":
                    time.sleep(options.get("seconds", 5))
                    mode = "ok"
                if mode in {"ok", "missing"}:
                    kwargs = dict(options)
                    kwargs.pop("seconds", None)
                    if mode == "missing":
                        kwargs.update(pressure=None, humidity=None, wind=None)
                    body = json.dumps(open_meteo_reply(float(lat), float(lon), **kwargs))
                    self._send(200, body)
                elif mode == "truncated":
                    self._send(200, json.dumps(open_meteo_reply(float(lat), float(lon)))[:80])
                elif mode == "wrong-types":
                    reply = open_meteo_reply(float(lat), float(lon))
                    reply["current"].update(
                        temperature_2m="hot", surface_pressure=[1], weather_code="x"
                    )
                    self._send(200, json.dumps(reply))
                elif mode == "429":
                    self._send(
                        429,
                        '{"error": true, "reason": "Too many requests"}',
                        {"Retry-After": str(options.get("retry_after", 1))},
                    )
                else:
                    self._send(int(mode), '{"error": true, "reason": "server trouble"}')

            def _send(self, status: int, body: str, headers: dict | None = None) -> None:
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/v1/forecast"

    def set(self, mode: str, **options: object) -> None:
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
