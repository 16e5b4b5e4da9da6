"""Fingerprinted static URLs: own files get ?v=<hash>, npm files are copied under hashed names
by `make assets` (scripts/build_assets.py). Both are served as immutable."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from flask import Flask, Response, current_app, has_request_context, request, url_for

IMMUTABLE = "public, max-age=31536000, immutable"


@cache
def _file_hash(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]


@cache
def _vendor_manifest(static_folder: str) -> dict[str, str]:
    manifest = Path(static_folder) / "vendor" / "manifest.json"
    if not manifest.exists():
        return {}
    return dict(json.loads(manifest.read_text()))


# Asset URLs per (static URL path, script root, name): the files, and so their fingerprints,
# change only with a new release (a new process; _file_hash is cached the same way).
_urls: dict[tuple[str, str, str], str] = {}


def asset_url(name: str) -> str:
    if not has_request_context():
        return _asset_url(name)
    key = (current_app.static_url_path or "", request.script_root, name)
    url = _urls.get(key)
    if url is None:
        url = _urls[key] = _asset_url(name)
    return url


def _asset_url(name: str) -> str:
    static = current_app.static_folder or ""
    vendor = _vendor_manifest(static)
    if name in vendor:
        return url_for("static", filename=vendor[name])
    return url_for("static", filename=name, v=_file_hash(str(Path(static) / name)))


def has_asset(name: str) -> bool:
    return name in _vendor_manifest(current_app.static_folder or "")


def init_app(app: Flask) -> None:
    app.jinja_env.globals["asset_url"] = asset_url
    app.jinja_env.globals["has_asset"] = has_asset

    @app.after_request
    def cache_static(response: Response) -> Response:
        filename = (request.view_args or {}).get("filename", "")
        versioned = "v" in request.args or filename.startswith("vendor/")
        if request.endpoint == "static" and response.status_code == 200 and versioned:
            response.headers["Cache-Control"] = IMMUTABLE
        return response
