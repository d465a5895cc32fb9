"""The gateway compresses what the services send uncompressed, and passes on what they
compressed themselves (the web's brotli) untouched."""

from __future__ import annotations

import gzip
import json

import pytest
import requests
from werkzeug import Response

from support.gateway import Gateway

BODIES = {
    "/": ("text/html; charset=utf-8", "<!doctype html><p>Tin trong tỉnh</p>" * 200),
    "/api/articles/v1/articles": (
        "application/json",
        json.dumps({"items": [{"title": "Yên Bái"}] * 300}),
    ),
    "/static/css/portal.css": ("text/css", "body { color: #1a1a1a; }\n" * 300),
    "/static/js/portal.js": ("text/javascript", "document.title = 'x';\n" * 300),
}


@pytest.fixture
def upstream(httpserver):
    for path, (mimetype, body) in BODIES.items():
        served = path.removeprefix("/api/articles")
        httpserver.expect_request(served).respond_with_response(
            Response(body, content_type=mimetype)
        )
    httpserver.expect_request("/already-brotli").respond_with_response(
        Response(
            b"\x0b\x02\x80hello\x03",  # "hello", brotli-encoded by the upstream
            content_type="text/html",
            headers={"Content-Encoding": "br", "Vary": "Accept-Encoding"},
        )
    )
    return httpserver


@pytest.fixture
def gateway(tmp_path, upstream):
    address = f"127.0.0.1:{upstream.port}"
    proxy = Gateway(
        tmp_path / "gateway", {name: address for name in ("web", "articles", "counter", "weather")}
    )
    yield proxy.start()
    proxy.stop()


@pytest.mark.parametrize("path", list(BODIES))
def test_html_json_css_and_js_are_gzipped_when_accepted(gateway, path):
    url = f"http://127.0.0.1:{gateway.port}{path}"

    compressed = requests.get(url, headers={"Accept-Encoding": "gzip"}, stream=True, timeout=5)
    plain = requests.get(url, headers={"Accept-Encoding": "identity"}, stream=True, timeout=5)

    raw = compressed.raw.read(decode_content=False)
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed.headers["Vary"]
    assert gzip.decompress(raw).decode() == BODIES[path][1]
    assert len(raw) < len(BODIES[path][1].encode()) / 4
    assert "Content-Encoding" not in plain.headers
    assert plain.raw.read(decode_content=False).decode() == BODIES[path][1]


def test_a_reply_the_upstream_compressed_passes_unchanged(gateway):
    url = f"http://127.0.0.1:{gateway.port}/already-brotli"

    reply = requests.get(url, headers={"Accept-Encoding": "br, gzip"}, stream=True, timeout=5)

    assert reply.headers["Content-Encoding"] == "br"
    assert reply.raw.read(decode_content=False) == b"\x0b\x02\x80hello\x03"
