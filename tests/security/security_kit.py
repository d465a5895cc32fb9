"""Helpers of the security suite: the token the apps accept, a browser, one line of figures."""

from __future__ import annotations

API_TOKEN = "security-suite-token"
WRONG_TOKEN = "security-suite-wrong"
BROWSER = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/124.0 Safari/537.36"
)


def figures(name: str, **values: object) -> str:
    """One line of figures, e.g. ``xss: payloads=50 surviving=0``; printed and returned."""
    line = f"{name}: " + " ".join(f"{key}={value}" for key, value in values.items())
    print(line)
    return line


def write_operations(spec: dict) -> list[tuple[str, str]]:
    """(method, path) of every operation the OpenAPI document marks as needing a token."""
    found = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and operation.get("security"):
                found.append((method.upper(), path))
    return found
