"""Response headers that keep the pages from being framed, sniffed or scripted inline."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response


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


def init_app(app: Flask) -> None:
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
