"""SMS through a gateway adapter. One real adapter: Spryng (Dutch gateway, used by NotifyNL).

Spryng REST API v1, as used here:
  POST {SPRYNG_URL}            (https://rest.spryngsms.com/v1/messages)
  Authorization: Bearer {SPRYNG_API_KEY}, Accept/Content-Type: application/json
  {"originator": "Gemeente", "recipients": ["31612345678"], "body": "...",
   "reference": "<notification id>", "route": "business", "encoding": "plain"}
  200/201/202 with the message as JSON ({"id": "...", ...}).
Recipients are MSISDNs without '+' or '00'. Our texts are GSM-7 (checked by the tests), so
'plain' keeps a reminder within one 160-character SMS; 'unicode' would split it after 70.

Delivery receipts: Spryng calls a URL configured on its dashboard with the query parameters
STATUS, REASONCODE and REFERENCE (our notification id). STATUS 10 = delivered, 20 = not
delivered; REASONCODE 20 unreachable, 21 incorrect number, 22 delivery failure, 31 blacklisted,
32 originator not registered for the country. The endpoint is app.account.receipts.

Response classes: 2xx sent; 429 and 5xx temporary (retried, Retry-After honoured); 400/422
the number or message is refused (permanent); 401/403 our key is wrong (retried, ours to fix).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import requests

from app.models.notification import NotificationStatus
from app.services.notifications.errors import PermanentFailure, TransientFailure
from app.services.notifications.templates import is_gsm7


class SmsGateway(Protocol):
    """What delivery needs from an SMS gateway."""

    name: str

    def send(self, to_e164: str, body: str, reference: str) -> str:
        """Send; return the gateway's reference. Raise TransientFailure / PermanentFailure."""
        ...


@dataclass
class SpryngGateway:
    url: str
    api_key: str
    originator: str
    route: str = "business"
    timeout: float = 20.0
    name: str = "spryng"

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SpryngGateway:
        return cls(
            url=config["SPRYNG_URL"],
            api_key=config["SPRYNG_API_KEY"],
            originator=config["SPRYNG_ORIGINATOR"],
            route=config["SPRYNG_ROUTE"],
            timeout=float(config["SPRYNG_TIMEOUT"]),
        )

    def payload(self, to_e164: str, body: str, reference: str) -> dict[str, object]:
        return {
            "originator": self.originator,
            "recipients": [to_e164.lstrip("+")],
            "body": body,
            "reference": reference,
            "route": self.route,
            "encoding": "plain" if is_gsm7(body) else "unicode",
        }

    def send(self, to_e164: str, body: str, reference: str) -> str:
        if not self.api_key:
            raise TransientFailure("spryng api key not configured")
        try:
            response = requests.post(
                self.url,
                json=self.payload(to_e164, body, reference),
                headers={"Authorization": f"Bearer {self.api_key}", "Accept": "application/json"},
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise TransientFailure(f"spryng {type(exc).__name__}") from exc
        status = response.status_code
        if 200 <= status < 300:
            try:
                data = response.json()
            except ValueError:
                data = {}
            return str(data.get("id") or reference) if isinstance(data, dict) else reference
        detail = f"spryng {status} {response.text[:120]}"
        if status == 429:
            raise TransientFailure(detail, retry_after=_retry_after(response))
        if status in (400, 422):
            raise PermanentFailure(detail)
        raise TransientFailure(detail)


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    return float(value) if value.isdigit() else None


SPRYNG_DELIVERED = "10"
SPRYNG_FAILED = "20"
SPRYNG_REASONS = {
    "20": "recipient unreachable",
    "21": "recipient number incorrect",
    "22": "delivery failure",
    "31": "recipient blacklisted",
    "32": "originator not registered for this country",
}


def spryng_receipt_status(status: str, reason_code: str) -> NotificationStatus | None:
    """Map a Spryng receipt to our status (None: unknown code, logged and ignored)."""
    if status == SPRYNG_DELIVERED:
        return NotificationStatus.DELIVERED
    if status == SPRYNG_FAILED:
        # Like NotifyNL: every 'not delivered' is final, except a general delivery failure,
        # which may succeed on another day.
        if reason_code == "22":
            return NotificationStatus.TEMPORARY_FAILURE
        return NotificationStatus.PERMANENT_FAILURE
    return None
