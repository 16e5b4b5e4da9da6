"""/account/toestel/meldingen: the browser's push subscription, sent by static/js/device.js
(only a browser with JavaScript and a service worker can receive push, so these take JSON).
Also `flask vapid-keys`."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import click
from flask import Blueprint, Flask, current_app, jsonify, request
from flask_login import current_user
from werkzeug.wrappers import Response

from app.auth.guards import resident_required
from app.services import push_devices
from app.services.notifications.push import new_vapid_keys

bp = Blueprint("push", __name__, url_prefix="/account/toestel/meldingen")
# base64url P-256 key (65 bytes) and auth secret (16 bytes), with room to spare.
MAX_KEY = 200


def _subscription() -> tuple[str, str, str] | None:
    data: Any = request.get_json(silent=True)
    if not isinstance(data, dict):
        return None
    endpoint, keys = data.get("endpoint"), data.get("keys")
    if not isinstance(endpoint, str) or not isinstance(keys, dict):
        return None
    p256dh, auth = keys.get("p256dh"), keys.get("auth")
    # Push services are https; anything else could make our worker call an inside address.
    parts = urlsplit(endpoint)
    if parts.scheme != "https" or not parts.hostname or len(endpoint) > 2000:
        return None
    if not all(isinstance(k, str) and 0 < len(k) <= MAX_KEY for k in (p256dh, auth)):
        return None
    return endpoint, str(p256dh), str(auth)


@bp.post("")
@resident_required
def turn_on() -> tuple[Response, int]:
    subscription = _subscription()
    if subscription is None or not current_app.config["VAPID_PUBLIC_KEY"]:
        return jsonify({"ok": False}), 400
    push_devices.turn_on(current_user, *subscription)
    return jsonify({"ok": True}), 201


@bp.post("/uit")
@resident_required
def turn_off() -> tuple[Response, int]:
    data: Any = request.get_json(silent=True)
    endpoint = data.get("endpoint") if isinstance(data, dict) else None
    if not isinstance(endpoint, str):
        return jsonify({"ok": False}), 400
    found = push_devices.turn_off(current_user, endpoint)
    return jsonify({"ok": found}), 200


def register(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.cli.command("vapid-keys")
    def vapid_keys_command() -> None:
        """Print a new VAPID key pair for Web Push (put them in the environment)."""
        public, private = new_vapid_keys()
        click.echo(f"VAPID_PUBLIC_KEY={public}")
        click.echo(f"VAPID_PRIVATE_KEY={private}")
