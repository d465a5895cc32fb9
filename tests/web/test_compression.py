"""Pages, feeds, CSS and JS in brotli or gzip as the browser accepts; the page cache
keeps pages as rendered and serves each reader in their own encoding."""

from __future__ import annotations

import gzip

import brotli
import pytest

DECODERS = {"br": brotli.decompress, "gzip": gzip.decompress}


def decoded(response) -> str:
    encoding = response.headers.get("Content-Encoding")
    data = response.get_data()
    return (DECODERS[encoding](data) if encoding else data).decode()


@pytest.mark.parametrize("encoding", ["br", "gzip"])
@pytest.mark.parametrize("path", ["/", "/kinh-te/", "/rss.xml", "/sitemap.xml"])
def test_responses_are_compressed_when_the_reader_accepts_it(live, content, path, encoding):
    response = live.get(path, headers={"Accept-Encoding": f"{encoding}, identity"})

    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in response.headers["Vary"]
    assert int(response.headers["Content-Length"]) == len(response.get_data())
    assert len(decoded(response)) > len(response.get_data())


def test_brotli_is_preferred_when_both_are_accepted(live, content):
    response = live.get("/", headers={"Accept-Encoding": "gzip, deflate, br"})

    assert response.headers["Content-Encoding"] == "br"


def test_without_accept_encoding_the_reply_is_plain(live, content):
    response = live.get("/")

    assert "Content-Encoding" not in response.headers
    assert response.text.startswith("<!doctype html>")
    assert "Accept-Encoding" in response.headers["Vary"]


def test_page_cache_keeps_the_page_plain_and_serves_every_encoding(live_app, live, content):
    first = live.get("/kinh-te/", headers={"Accept-Encoding": "gzip"})
    second = live.get("/kinh-te/", headers={"Accept-Encoding": "br"})
    third = live.get("/kinh-te/")

    assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("MISS", "HIT")
    assert third.headers["X-Cache"] == "HIT"
    assert first.headers["Content-Encoding"] == "gzip"
    assert second.headers["Content-Encoding"] == "br"
    assert "Content-Encoding" not in third.headers
    assert decoded(first) == decoded(second) == third.text
    assert third.text.startswith("<!doctype html>")
