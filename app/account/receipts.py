"""Delivery receipts from the SMS gateway. Spryng calls the URL set on its dashboard, with basic
auth in it (https://spryng:<SMS_RECEIPT_SECRET>@host/receipts/spryng), as a GET with STATUS,
REASONCODE and REFERENCE. The receipt is applied here with one conditional UPDATE (no Redis
in a web request); the answer is 200 for anything authenticated, so the gateway does not retry
receipts we chose to ignore."""

from __future__ import annotations

import hmac
import logging

from flask import Blueprint, abort, current_app, request
from werkzeug.wrappers import Response

from app.services.notifications.receipts import apply_receipt
from app.services.notifications.sms import SPRYNG_REASONS, spryng_receipt_status

bp = Blueprint("receipts", __name__)
log = logging.getLogger(__name__)


def _authorised() -> bool:
    secret = current_app.config["SMS_RECEIPT_SECRET"]
    auth = request.authorization
    if not secret or auth is None or auth.type != "basic":
        return False
    user_ok = hmac.compare_digest(
        (auth.username or "").encode(), current_app.config["SMS_RECEIPT_USER"].encode()
    )
    password_ok = hmac.compare_digest((auth.password or "").encode(), secret.encode())
    return user_ok and password_ok


@bp.route("/receipts/spryng", methods=["GET", "POST"])
def spryng() -> Response:
    if not _authorised():
        response = Response("authentication required\n", 401, mimetype="text/plain")
        response.headers["WWW-Authenticate"] = 'Basic realm="sms-receipts"'
        return response
    values = request.values
    reference = values.get("REFERENCE", "")[:36]
    status = values.get("STATUS", "")[:4]
    reason = values.get("REASONCODE", "")[:4]
    if not reference or not status:
        abort(400)
    detail = f"spryng STATUS={status} REASONCODE={reason} {SPRYNG_REASONS.get(reason, '')}"
    outcome = apply_receipt(reference, spryng_receipt_status(status, reason), detail.strip())
    if outcome != "applied":
        log.info("sms receipt %s for %s: %s", outcome, reference, detail)
    return Response("OK\n", 200, mimetype="text/plain")
