"""Response headers that keep the pages from being framed, sniffed or scripted inline."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Request, Response
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

from portalkit.http import add_missing_headers


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
        sent = "HTTP_COOKIE" in request.environ and self.get_cookie_name(app) in request.cookies
        if app.secret_key and not sent:
            return self.session_class()
        return super().open_session(app, request)


def init_app(app: Flask) -> None:
    app.session_interface = SessionsWhenSent()
    page_policy = content_security_policy(app.config["MEDIA_PUBLIC_URL"])

    @app.after_request
    def _security_headers(response: Response) -> Response:
        policy = page_policy if response.mimetype == "text/html" else DATA_POLICY
        add_missing_headers(
            response,
            (
                ("Content-Security-Policy", policy),
                ("X-Content-Type-Options", "nosniff"),
                ("Referrer-Policy", "strict-origin-when-cross-origin"),
                ("X-Frame-Options", "DENY"),
            ),
        )
        return response
