"""Signed, expiring preview links: the newsroom signs an article id with ``PREVIEW_SECRET``,
the web reads it back and shows the unpublished article (docs/api.md, "Preview")."""

from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

DEV_PREVIEW_SECRET = "dev-only-preview-secret-change-me"  # noqa: S105 - local default, replaced in production
DEFAULT_MAX_AGE_S = 3600
MIN_SECRET_LENGTH = 16
_SALT = "portal.preview.article"


class PreviewRefused(Exception):
    """A preview token that cannot be used: tampered with, malformed or expired."""


class PreviewExpired(PreviewRefused):
    """A genuine preview token past its age."""


def preview_secret(raw: str) -> str:
    """The ``PREVIEW_SECRET`` parser: long enough to be worth signing with."""
    if len(raw) < MIN_SECRET_LENGTH:
        raise ValueError(f"must be at least {MIN_SECRET_LENGTH} characters")
    return raw


def _serializer(secret: str, issued_at: float | None = None) -> URLSafeTimedSerializer:
    """The one way links are signed; ``issued_at`` dates a link made earlier."""
    signer: type[TimestampSigner] = TimestampSigner
    if issued_at is not None:
        stamp = int(issued_at)

        class _SignedAt(TimestampSigner):
            def get_timestamp(self) -> int:
                return stamp

        signer = _SignedAt
    return URLSafeTimedSerializer(secret, salt=_SALT, signer=signer)


def sign_preview(article_id: int, secret: str, issued_at: float | None = None) -> str:
    """A URL-safe token naming ``article_id``, signed now (or at ``issued_at``)."""
    return _serializer(secret, issued_at).dumps({"article": int(article_id)})


def read_preview(token: str, secret: str, max_age: int = DEFAULT_MAX_AGE_S) -> int:
    """The article id of a genuine token younger than ``max_age`` seconds.

    Raises :class:`PreviewExpired` for an old one, :class:`PreviewRefused` for anything
    tampered with or malformed.
    """
    try:
        data = _serializer(secret).loads(token, max_age=max_age)
    except SignatureExpired:
        raise PreviewExpired("the preview link has expired") from None
    except BadSignature:
        raise PreviewRefused("the preview link is not genuine") from None
    article_id = data.get("article") if isinstance(data, dict) else None
    if type(article_id) is not int or article_id < 1:
        raise PreviewRefused("the preview link names no article")
    return article_id
