"""RFC 9457 problem details: the one error shape of every API."""

from __future__ import annotations

from typing import Any

from flask import Response, json
from werkzeug.http import HTTP_STATUS_CODES

PROBLEM_MIMETYPE = "application/problem+json"
TYPE_BASE = "https://portal.yenbai.example/problems/"


def problem(
    status: int,
    detail: str | None = None,
    *,
    title: str | None = None,
    type_: str | None = None,
    errors: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    title = title or HTTP_STATUS_CODES.get(status, "Error")
    body: dict[str, Any] = {
        "type": type_ or TYPE_BASE + title.lower().replace(" ", "-"),
        "title": title,
        "status": status,
        "detail": detail or title,
    }
    if errors is not None:
        body["errors"] = _named(errors)
    response = Response(
        json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_MIMETYPE
    )
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _named(errors: dict[Any, Any]) -> dict[str, Any]:
    """Errors keyed by text: a form part without a usable name is parsed with the name
    None, which JSON (with sorted keys) cannot write."""
    return {("_unnamed" if key is None else str(key)): value for key, value in errors.items()}


def flatten_field_errors(messages: Any) -> dict[str, Any]:
    """webargs nests errors by location (``{"json": {...}}``); the API speaks of fields."""
    if not isinstance(messages, dict):
        return {"_schema": messages}
    locations = {"json", "query", "querystring", "form", "headers", "files", "view_args", "path"}
    if messages and set(messages) <= locations:
        flat: dict[str, Any] = {}
        for value in messages.values():
            flat.update(value if isinstance(value, dict) else {"_schema": value})
        return flat
    return messages
