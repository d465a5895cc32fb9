"""A function replaced by one that notes each call and then makes it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


def note_calls(
    monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, noted: Callable[..., Any]
) -> list[Any]:
    """Replace ``owner.name`` for the test; each call appends ``noted`` of its arguments
    to the list returned, then runs the real function."""
    calls: list[Any] = []
    real = getattr(owner, name)

    def noting(*args: Any, **kwargs: Any) -> Any:
        calls.append(noted(*args, **kwargs))
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, noting)
    return calls
