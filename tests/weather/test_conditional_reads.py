"""Weather reads carry an ETag; If-None-Match with it answers 304 until a new observation."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("path", ["/v1/weather", "/v1/weather/yen-bai"])
def test_an_unchanged_reading_is_a_304_and_a_new_one_a_200(client, fetcher, provider, path):
    fetcher.fetch("yen-bai")
    first = client.get(path)

    same = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    provider.set("ok", temperature=31.5)
    fetcher.fetch("yen-bai", force=True)  # a refresh within the interval
    changed = client.get(path, headers={"If-None-Match": first.headers["ETag"]})

    assert first.status_code == 200 and first.headers["ETag"]
    assert same.status_code == 304 and same.data == b""
    assert changed.status_code == 200
    assert changed.get_json()["temperature_c"] == 31.5


def test_the_places_are_a_304_when_unchanged(client):
    first = client.get("/v1/locations")

    again = client.get("/v1/locations", headers={"If-None-Match": first.headers["ETag"]})

    assert again.status_code == 304


def test_an_error_carries_no_etag(client):
    assert "ETag" not in client.get("/v1/weather/khong-co").headers
