"""The fields of a reported view, written once: each rule makes the marshmallow field
(errors, OpenAPI) and the plain check of the fast path, so the two cannot disagree."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import marshmallow as ma
from marshmallow import validate

from counter.visitors import ADDRESS_MAX, parse_address

MAX_ARTICLE_ID = 2**53 - 1
VISITOR_ID_MAX = 128
USER_AGENT_MAX = 1024

REJECTED = object()
"""What a rule's ``plain`` answers for a value the schema might refuse."""
MISSING = object()


@dataclass(frozen=True)
class WholeNumber:
    minimum: int
    maximum: int
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def field(self) -> ma.fields.Integer:
        return ma.fields.Integer(
            strict=True,
            required=True,
            validate=validate.Range(min=self.minimum, max=self.maximum),
            metadata=dict(self.metadata),
        )

    def plain(self, value: object = MISSING) -> object:
        if type(value) is int and self.minimum <= value <= self.maximum:
            return value
        return REJECTED


@dataclass(frozen=True)
class Text:
    """A string of ``min_length`` to ``max_length`` characters; ``default`` when absent."""

    min_length: int | None
    max_length: int
    default: str | None = ""
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def field(self) -> ma.fields.String:
        return ma.fields.String(
            validate=validate.Length(min=self.min_length, max=self.max_length),
            allow_none=self.default is None,
            load_default=self.default,
            metadata=dict(self.metadata),
        )

    def plain(self, value: object = MISSING) -> object:
        if value is MISSING:
            return self.default
        if value is None:
            return None if self.default is None else REJECTED
        if type(value) is str and (self.min_length or 0) <= len(value) <= self.max_length:
            return value
        return REJECTED


class AddressField(ma.fields.String):
    """An IPv4 or IPv6 address (at most 64 characters), loaded as an :mod:`ipaddress` object."""

    MAX_LENGTH = ADDRESS_MAX

    def _deserialize(self, value, attr, data, **kwargs):
        address = IpAddress().plain(super()._deserialize(value, attr, data, **kwargs))
        if address is REJECTED:
            raise ma.ValidationError("Not an IPv4 or IPv6 address.")
        return address


@dataclass(frozen=True)
class IpAddress:
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def field(self) -> AddressField:
        return AddressField(required=True, metadata=dict(self.metadata))

    def plain(self, value: object = MISSING) -> object:
        if type(value) is not str or len(value) > AddressField.MAX_LENGTH:
            return REJECTED
        address = parse_address(value)
        return REJECTED if address is None else address


Rule = WholeNumber | Text | IpAddress

ARTICLE_ID = WholeNumber(
    1, MAX_ARTICLE_ID, {"description": "The article's id (from the articles service)."}
)
VISITOR_ID = Text(
    1,
    VISITOR_ID_MAX,
    default=None,
    metadata={"description": "The reader's first-party cookie id, when there is one."},
)
CLIENT_IP = IpAddress(
    {
        "description": "The reader's IPv4 or IPv6 address as logged (never stored).",
        "maxLength": AddressField.MAX_LENGTH,
        "anyOf": [{"format": "ipv4"}, {"format": "ipv6"}],
    }
)
USER_AGENT = Text(
    None,
    USER_AGENT_MAX,
    metadata={"description": "The reader's User-Agent; empty means a crawler."},
)

VIEW: dict[str, Rule] = {"article_id": ARTICLE_ID, "visitor_id": VISITOR_ID}
"""A view the web reports (``POST /v1/views``)."""
BATCH_VIEW: dict[str, Rule] = {**VIEW, "client_ip": CLIENT_IP, "user_agent": USER_AGENT}
"""A view of a log shipper's batch (``POST /v1/views/batch``)."""


def schema_fields(rules: Mapping[str, Rule]) -> dict[str, ma.fields.Field]:
    return {name: rule.field() for name, rule in rules.items()}


def load_plain(rules: Mapping[str, Rule], item: object) -> dict[str, Any] | None:
    """``item`` loaded by the rules without marshmallow, or None: the schema then decides."""
    if type(item) is not dict or not item.keys() <= rules.keys():
        return None
    loaded = {}
    for name, rule in rules.items():
        value = rule.plain(item.get(name, MISSING))
        if value is REJECTED:
            return None
        loaded[name] = value
    return loaded
