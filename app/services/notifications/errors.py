"""How a provider call failed: decides between retry and giving up."""

from __future__ import annotations


class DeliveryError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason[:200]


class TransientFailure(DeliveryError):
    """Try again later: SMTP 4xx, connection refused, timeout, gateway 5xx or 429."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class PermanentFailure(DeliveryError):
    """Never try this address again: SMTP 5xx for the recipient, an invalid number."""
