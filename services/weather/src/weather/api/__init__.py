"""The weather service's HTTP API and its schemas."""

from weather.api.resources import SLUG_DOC, SlugConverter, blp

__all__ = ["SLUG_DOC", "SlugConverter", "blp"]
