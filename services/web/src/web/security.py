"""Response headers that keep the pages from being framed, sniffed or scripted inline."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Request, Response
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface


def content_security_policy(media_public_url: str = "/media/") -> str:
    """The pages' policy; images also from the photos' origin when it is another one."""
    parts = urlsplit(media_public_url)
    media_origin = f" {parts.scheme}://{parts.netloc}" if parts.netloc else ""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src 'self' data:{media_origin}",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


# Feeds, sitemap and images are data: not framed, but left to the browser's own viewer
# (Chrome's XML viewer styles the tree inline, which the page policy would block).
DATA_POLICY = "frame-ancestors 'none'"


class SessionsWhenSent(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, except that a request without the cookie (every
    anonymous reader's) gets an empty session at once: Flask builds the cookie's signer
    first, for every request, about 8% of serving a cached page."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and self.get_cookie_name(app) not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)


def init_app(app: Flask) -> None:
    app.session_interface = SessionsWhenSent()
    page_policy = content_security_policy(app.config["MEDIA_PUBLIC_URL"])

    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        policy = page_policy if response.mimetype == "text/html" else DATA_POLICY
        headers.setdefault("Content-Security-Policy", policy)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        return response
