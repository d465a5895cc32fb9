"""Response headers: no framing, no sniffing, no inline script, pages never cached."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import Flask, Response, g, request
from flask.sessions import SecureCookieSessionInterface


def content_security_policy(style_nonce: str, media_origin: str = "") -> str:
    """Scripts only from our own files. The rich-text editor adds one ``<style>`` element
    of its own, allowed by a nonce it reads from the page (``csp-nonce`` meta)."""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            f"style-src 'self' 'nonce-{style_nonce}'",
            f"img-src 'self' data: blob:{media_origin}",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def style_nonce() -> str:
    """This response's nonce for the editor's style element."""
    if "style_nonce" not in g:
        g.style_nonce = secrets.token_urlsafe(16)
    return g.style_nonce


class PrefixedSessions(SecureCookieSessionInterface):
    """Flask's signed form cookie, sent back only under the newsroom's own prefix
    (``/newsroom`` behind the gateway), never to the portal's other pages."""

    def get_cookie_path(self, app: Flask) -> str:
        return request.script_root or "/"


def _origin(url: str | None) -> str:
    parts = urlsplit(url or "")
    return f" {parts.scheme}://{parts.netloc}" if parts.netloc else ""


def init_app(app: Flask) -> None:
    media_origin = _origin(app.config.get("PUBLIC_URL"))
    app.jinja_env.globals["style_nonce"] = style_nonce
    app.session_interface = PrefixedSessions()

    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        if response.mimetype == "text/html":
            headers.setdefault(
                "Content-Security-Policy", content_security_policy(style_nonce(), media_origin)
            )
            headers.setdefault("Cache-Control", "no-store")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        return response
