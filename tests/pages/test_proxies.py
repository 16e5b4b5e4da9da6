"""Behind a TLS-terminating proxy: X-Forwarded-For and -Proto are believed for exactly
TRUSTED_PROXIES hops, X-Forwarded-Host never; without the setting they are ignored."""

from __future__ import annotations

from flask import Flask, request

from app import create_app
from app.config import TestConfig


def _echo_app(app_overrides: dict[str, object], **settings: object) -> Flask:
    fresh = create_app(TestConfig, **{**app_overrides, **settings})

    @fresh.get("/_who")
    def who() -> str:
        return f"{request.remote_addr} {request.scheme} {request.host}"

    return fresh


FORWARDED = {
    "X-Forwarded-For": "198.51.100.7, 203.0.113.9",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "evil.example",
}


def test_one_trusted_proxy_gives_the_client_address_and_https(
    app: Flask, app_overrides: dict[str, object]
) -> None:
    web = _echo_app(app_overrides, TRUSTED_PROXIES=1).test_client()
    answer = web.get("/_who", headers=FORWARDED, base_url="http://mijn.example.nl").text
    # Only the last hop (added by our own proxy) is believed; the client wrote the first.
    assert answer == "203.0.113.9 https mijn.example.nl"


def test_two_trusted_proxies_look_one_hop_further(
    app: Flask, app_overrides: dict[str, object]
) -> None:
    web = _echo_app(app_overrides, TRUSTED_PROXIES=2).test_client()
    answer = web.get("/_who", headers=FORWARDED, base_url="http://mijn.example.nl").text
    assert answer.split()[0] == "198.51.100.7"


def test_without_trusted_proxies_the_headers_are_ignored(
    app: Flask, app_overrides: dict[str, object]
) -> None:
    web = _echo_app(app_overrides).test_client()
    answer = web.get("/_who", headers=FORWARDED, base_url="http://mijn.example.nl").text
    assert answer == "127.0.0.1 http mijn.example.nl"
