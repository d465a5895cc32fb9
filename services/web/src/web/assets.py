"""Static files under names that carry a hash of their content, kept by browsers a year.

``url_for('static', filename='css/portal.css')`` gives ``/static/css/portal.<hash>.css``;
a changed file gets a new name, so nothing stale is ever served from a cache. The plain
name still answers, revalidated on every use, for anything that links it directly.
"""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, request

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
HASH_LENGTH = 12


@dataclass(frozen=True)
class Asset:
    data: bytes
    mimetype: str
    etag: str


@dataclass
class Manifest:
    """Each static file's fingerprinted name, and the files by either name."""

    names: dict[str, str] = field(default_factory=dict)  # plain -> fingerprinted
    files: dict[str, Asset] = field(default_factory=dict)  # fingerprinted -> content

    @classmethod
    def build(cls, folder: Path) -> Manifest:
        manifest = cls()
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            plain = path.relative_to(folder).as_posix()
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()[:HASH_LENGTH]
            stem, dot, suffix = plain.rpartition(".")
            named = (
                f"{stem}.{digest}.{suffix}" if dot and "/" not in suffix else f"{plain}.{digest}"
            )
            mimetype = mimetypes.guess_type(plain)[0] or "application/octet-stream"
            manifest.names[plain] = named
            manifest.files[named] = Asset(data, mimetype, digest)
        return manifest

    def response(self, filename: str) -> Response:
        """The file under its fingerprinted name (a year) or its plain one (revalidated)."""
        if filename in self.files:
            asset, cache_control = self.files[filename], IMMUTABLE
        elif filename in self.names:
            asset, cache_control = self.files[self.names[filename]], REVALIDATE
        else:
            abort(404)
        response = Response(asset.data, mimetype=asset.mimetype)
        response.headers["Cache-Control"] = cache_control
        response.set_etag(asset.etag)
        return response.make_conditional(request)


def init_app(app: Flask) -> None:
    manifest = Manifest.build(Path(app.static_folder or ""))
    app.extensions["web.assets"] = manifest

    @app.url_defaults
    def _fingerprint(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and values.get("filename") in manifest.names:
            values["filename"] = manifest.names[values["filename"]]

    app.view_functions["static"] = manifest.response
