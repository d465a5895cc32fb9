"""Static files under content-hashed names, kept a year; a change gives a new name."""

from __future__ import annotations

import gzip
import re

import brotli
import pytest

from web.assets import IMMUTABLE, Manifest


def asset_urls(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


def test_pages_link_css_and_js_by_content_hash(client):
    urls = asset_urls(client.get("/khong-co/trang").text)

    assert any(re.fullmatch(r"/static/css/portal\.[0-9a-f]{12}\.css", url) for url in urls)
    assert any(re.fullmatch(r"/static/js/portal\.[0-9a-f]{12}\.js", url) for url in urls)


@pytest.mark.parametrize(
    ("encoding", "decode"), [("br", brotli.decompress), ("gzip", gzip.decompress)]
)
def test_a_fingerprinted_file_is_cached_a_year_and_compressed(client, app, encoding, decode):
    page = client.get("/khong-co/trang").text
    css = next(url for url in asset_urls(page) if url.endswith(".css"))

    response = client.get(css, headers={"Accept-Encoding": encoding})

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == IMMUTABLE
    assert response.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in response.headers["Vary"]
    plain = app.static_folder + "/css/portal.css"
    with open(plain, "rb") as source:
        assert decode(response.get_data()) == source.read()


def test_the_plain_name_still_answers_but_is_revalidated(client):
    response = client.get("/static/css/portal.css")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
    again = client.get(
        "/static/css/portal.css", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304


def test_a_name_with_a_hash_the_file_no_longer_has_is_404(client):
    assert client.get("/static/css/portal.000000000000.css").status_code == 404


def test_a_changed_file_gets_a_new_name(tmp_path):
    (tmp_path / "css").mkdir()
    sheet = tmp_path / "css" / "site.css"
    sheet.write_text("body { color: black; }")
    before = Manifest.build(tmp_path).names["css/site.css"]
    same = Manifest.build(tmp_path).names["css/site.css"]

    sheet.write_text("body { color: navy; }")
    after = Manifest.build(tmp_path)

    assert before == same
    assert after.names["css/site.css"] != before
    assert re.fullmatch(r"css/site\.[0-9a-f]{12}\.css", after.names["css/site.css"])
    assert after.files[after.names["css/site.css"]].data == b"body { color: navy; }"


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_a_compressed_copy_is_revalidated_by_its_own_etag(client, encoding):
    # The ETag of a compressed answer names its encoding ("...:br"); the condition is
    # weighed after compression, so the browser's copy gets 304, not the whole file again.
    headers = {"Accept-Encoding": encoding}
    response = client.get("/static/css/portal.css", headers=headers)
    assert response.headers["Content-Encoding"] == encoding
    etag = response.headers["ETag"]
    assert etag.endswith(f':{encoding}"')

    again = client.get("/static/css/portal.css", headers={**headers, "If-None-Match": etag})
    other = client.get(
        "/static/css/portal.css", headers={**headers, "If-None-Match": '"something-else"'}
    )

    assert again.status_code == 304
    assert again.get_data() == b""
    assert other.status_code == 200
