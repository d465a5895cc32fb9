"""The APIs' interactive docs at ``/docs``: Swagger UI from the pinned ``swagger-ui-bundle``
package, served by the API itself, so the page works offline and behind the gateway."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, render_template_string, send_from_directory
from swagger_ui_bundle import swagger_ui_path

PAGE_DIR = Path(__file__).parent / "docs_page"
SWAGGER_UI_DIR = Path(str(swagger_ui_path))
SWAGGER_UI = SWAGGER_UI_DIR.name  # e.g. swagger-ui-4.15.5: a new version is a new path
ASSET_MAX_AGE_S = 365 * 86400
PAGE = (PAGE_DIR / "docs.html").read_text(encoding="utf-8")

# Every URL on the page is relative: /docs loads docs/..., /api/articles/docs loads
# /api/articles/docs/... and /api/articles/openapi.json, through the same gateway route.
SPEC_URL = "openapi.json"
ASSETS_URL = f"docs/{SWAGGER_UI}"
START_URL = "docs/start.js"


def docs_blueprint(title: str, connect_origins: tuple[str, ...] = ()) -> Blueprint:
    """The ``/docs`` page and its assets; ``connect_origins`` may be called by "Try it out"
    besides the page's own origin (the portal's public address)."""
    blueprint = Blueprint("api_docs", __name__)
    policy = "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",  # Swagger UI sets style attributes
            "img-src 'self' data:",
            "connect-src " + " ".join(["'self'", *connect_origins]),
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )

    @blueprint.get("/docs")
    def page() -> Response:
        html = render_template_string(
            PAGE, title=title, spec=SPEC_URL, assets=ASSETS_URL, start=START_URL
        )
        response = current_app.response_class(html, mimetype="text/html")
        response.headers["Content-Security-Policy"] = policy
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    @blueprint.get("/docs/start.js")
    def start() -> Response:
        return _static(PAGE_DIR, "start.js", max_age=300)

    @blueprint.get(f"/docs/{SWAGGER_UI}/<path:name>")
    def asset(name: str) -> Response:
        return _static(SWAGGER_UI_DIR, name, max_age=ASSET_MAX_AGE_S)

    return blueprint


def _static(directory: Path, name: str, max_age: int) -> Response:
    response = send_from_directory(directory, name, max_age=max_age)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
