"""The counter's HTTP API."""

from counter.api.resources import blp

__all__ = ["blp"]
