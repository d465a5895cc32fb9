"""Preview links: signed with PREVIEW_SECRET, read back only when genuine and young."""

from __future__ import annotations

import time

import pytest
from itsdangerous import URLSafeTimedSerializer

from portalkit.preview import (
    DEFAULT_MAX_AGE_S,
    PreviewExpired,
    PreviewRefused,
    read_preview,
    sign_preview,
)

SECRET = "preview-secret-for-tests"


def test_a_signed_link_reads_back_as_its_article():
    token = sign_preview(42, SECRET)
    assert read_preview(token, SECRET) == 42
    assert read_preview(token, SECRET, max_age=60) == 42


def test_a_link_older_than_the_max_age_has_expired():
    issued = time.time() - DEFAULT_MAX_AGE_S - 5
    token = sign_preview(42, SECRET, issued_at=issued)
    with pytest.raises(PreviewExpired):
        read_preview(token, SECRET)
    assert read_preview(token, SECRET, max_age=DEFAULT_MAX_AGE_S + 600) == 42


@pytest.mark.parametrize(
    "tamper",
    [
        # the signature, short of its last character (whose padding bits decode alike)
        lambda t: t[:-5] + ("A" if t[-5] != "A" else "B") + t[-4:],
        lambda t: "eyJhcnRpY2xlIjo0M30" + t[t.index(".") :],  # another article, same signature
        lambda t: t.split(".")[0],  # no signature at all
        lambda t: "not-a-token",
    ],
)
def test_a_tampered_link_is_refused(tamper):
    with pytest.raises(PreviewRefused) as caught:
        read_preview(tamper(sign_preview(42, SECRET)), SECRET)
    assert not isinstance(caught.value, PreviewExpired)


def test_a_link_signed_with_another_secret_or_for_another_purpose_is_refused():
    with pytest.raises(PreviewRefused):
        read_preview(sign_preview(42, "another-secret-entirely"), SECRET)
    other_purpose = URLSafeTimedSerializer(SECRET, salt="something-else").dumps({"article": 42})
    with pytest.raises(PreviewRefused):
        read_preview(other_purpose, SECRET)


@pytest.mark.parametrize("payload", [{"article": "42"}, {"article": 0}, {"article": True}, [42]])
def test_a_genuine_token_that_names_no_article_is_refused(payload):
    token = URLSafeTimedSerializer(SECRET, salt="portal.preview.article").dumps(payload)
    with pytest.raises(PreviewRefused):
        read_preview(token, SECRET)
