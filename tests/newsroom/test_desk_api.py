"""The desk's calls carry its own token and the person behind them (X-Actor)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from newsroom.desk_api import ApiError, DeskApi
from newsroom.settings import Settings


@pytest.fixture
def api(httpserver) -> DeskApi:
    base = httpserver.url_for("").rstrip("/")
    return DeskApi(replace(Settings(), articles_url=base, api_token="newsroom-own-token-123"))


def test_every_call_names_the_person_and_uses_the_newsrooms_token(api, httpserver):
    httpserver.expect_request(
        "/v1/articles/7",
        method="PATCH",
        headers={
            "X-Actor": "bien-tap",
            "Authorization": "Bearer newsroom-own-token-123",
            "If-Match": '"7-3"',
        },
    ).respond_with_json({"id": 7, "version": 4}, headers={"ETag": '"7-4"'})

    saved = api.update("bien-tap", 7, {"title": "Mới"}, '"7-3"')

    assert saved.etag == '"7-4"'
    httpserver.check_assertions()


def test_a_refusal_keeps_the_apis_status_and_detail(api, httpserver):
    httpserver.expect_request("/v1/articles/7", method="PATCH").respond_with_json(
        {"type": "about:blank", "title": "Forbidden", "status": 403, "detail": "needs a scope"},
        status=403,
        content_type="application/problem+json",
    )

    with pytest.raises(ApiError) as refused:
        api.update("tac-gia", 7, {"status": "published"}, "")

    assert refused.value.status == 403
    assert refused.value.detail == "needs a scope"
