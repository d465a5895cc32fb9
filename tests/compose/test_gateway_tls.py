"""TLS at the gateway: with a certificate mounted, HTTPS with HSTS, and HTTP redirected.

Debian's nginx runs the gateway's own templates and its TLS script, as in the image,
with a self-signed certificate made by openssl for 127.0.0.1.
"""

from __future__ import annotations

import re
import shutil
import socket
import ssl
import subprocess
from pathlib import Path

import pytest
import requests

from support.ci import missing
from support.gateway import Gateway

HSTS = "max-age=31536000; includeSubDomains"


def self_signed(folder: Path) -> tuple[Path, Path]:
    openssl = shutil.which("openssl")
    if not openssl:
        missing("openssl is not installed")
    cert, key = folder / "tls.crt", folder / "tls.key"
    request = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
    names = ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"]
    subprocess.run(
        [openssl, *request, "-keyout", str(key), "-out", str(cert), *names],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


@pytest.fixture
def recorder(httpserver):
    httpserver.expect_request(re.compile(".*")).respond_with_json({"ok": True})
    return httpserver


@pytest.fixture
def certificate(tmp_path) -> tuple[Path, Path]:
    folder = tmp_path / "tls"
    folder.mkdir()
    return self_signed(folder)


@pytest.fixture
def tls_gateway(tmp_path, recorder, certificate):
    address = f"127.0.0.1:{recorder.port}"
    upstreams = {name: address for name in ("web", "articles", "counter", "weather")}
    proxy = Gateway(tmp_path / "gateway", upstreams, tls=certificate)
    yield proxy.start()
    proxy.stop()


def test_plain_http_is_redirected_to_https_keeping_path_and_query(tls_gateway):
    for method in ("GET", "POST"):
        reply = requests.request(
            method,
            f"{tls_gateway.url}/tin-trong-tinh/so-ket-42.html?font=lon",
            allow_redirects=False,
            timeout=5,
        )
        # 308: a client repeats the same method and body at the new address.
        assert reply.status_code == 308, method
        assert reply.headers["Location"] == (
            f"https://127.0.0.1:{tls_gateway.tls_port}/tin-trong-tinh/so-ket-42.html?font=lon"
        )
        assert "Strict-Transport-Security" not in reply.headers


def test_the_container_health_check_stays_on_plain_http(tls_gateway):
    reply = requests.get(tls_gateway.url + "/gateway/healthz", allow_redirects=False, timeout=5)
    assert reply.status_code == 200


def test_https_serves_the_portal_with_hsts_and_tells_the_service(
    tls_gateway, recorder, certificate
):
    cert, _key = certificate
    base = f"https://127.0.0.1:{tls_gateway.tls_port}"
    reply = requests.get(base + "/api/views/v1/views/42", verify=str(cert), timeout=5)
    assert reply.status_code == 200
    assert reply.json() == {"ok": True}
    assert reply.headers["Strict-Transport-Security"] == HSTS
    (request, _response), *_ = recorder.log
    assert request.path == "/v1/views/42"
    assert request.headers["X-Forwarded-Proto"] == "https"
    # A redirected reader lands on the same page over HTTPS.
    followed = requests.get(tls_gateway.url + "/", verify=str(cert), timeout=5)
    assert followed.url == base + "/"
    assert followed.status_code == 200


def test_the_gateway_speaks_tls_1_2_or_later_with_the_mounted_certificate(tls_gateway, certificate):
    cert, _key = certificate
    context = ssl.create_default_context(cafile=str(cert))
    with (
        socket.create_connection(("127.0.0.1", tls_gateway.tls_port), timeout=5) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        assert tls.version() in {"TLSv1.2", "TLSv1.3"}
        served = ssl.DER_cert_to_PEM_cert(tls.getpeercert(binary_form=True))
    assert served.split() == cert.read_text().split()
    old = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    old.load_verify_locations(str(cert))
    old.minimum_version = old.maximum_version = ssl.TLSVersion.TLSv1_1
    with (
        pytest.raises(ssl.SSLError),
        socket.create_connection(("127.0.0.1", tls_gateway.tls_port), timeout=5) as raw,
    ):
        old.wrap_socket(raw, server_hostname="127.0.0.1")


def test_without_a_certificate_the_gateway_serves_plain_http_without_hsts(tmp_path, recorder):
    address = f"127.0.0.1:{recorder.port}"
    upstreams = {name: address for name in ("web", "articles", "counter", "weather")}
    proxy = Gateway(tmp_path / "plain", upstreams).start()
    try:
        reply = requests.get(proxy.url + "/", allow_redirects=False, timeout=5)
        assert reply.status_code == 200
        assert "Strict-Transport-Security" not in reply.headers
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", proxy.tls_port), timeout=5).close()
    finally:
        proxy.stop()
