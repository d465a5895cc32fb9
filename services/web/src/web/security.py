"""Response headers that keep the pages from being framed, sniffed or scripted inline."""

from __future__ import annotations

from flask import Flask, Response

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
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


def init_app(app: Flask) -> None:
    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        policy = CONTENT_SECURITY_POLICY if response.mimetype == "text/html" else DATA_POLICY
        headers.setdefault("Content-Security-Policy", policy)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        return response
