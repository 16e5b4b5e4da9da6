"""Response headers every page gets: a strict CSP (no third-party anything), no framing, and
no copy of a logged-in page kept anywhere (a library PC's disk must not hold someone's dossier)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.errors import render_error
from app.responses import PRIVATE

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Called by other servers, never by a page of ours: DigiD's SOAP logout, the SMS gateway's
# receipts, a mail provider's one-click stop (RFC 8058), the test IdP (DigiD's stand-in).
CROSS_SITE_ENDPOINTS = {"auth.slo_soap", "unsubscribe.stop"}
CROSS_SITE_BLUEPRINTS = {"receipts", "testidp"}
REFUSED_CROSS_SITE = _l(
    "For your safety we did nothing. Go to this page on our own website and try again."
)
# Sec-Fetch-Site values of a request a page of ours (or the user, typing) started.
OWN_FETCH_SITES = {"same-origin", "none"}


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _own_origins() -> set[str]:
    # The configured public addresses too: behind a proxy the request itself may look like http.
    config = current_app.config
    return {
        _origin(request.host_url),
        _origin(str(config["PORTAL_URL"])),
        _origin(str(config["SAML_SP_BASE_URL"])),
    }


def from_another_site() -> bool:
    """Defence in depth next to the CSRF token: a browser says where a request comes from.
    Fails closed only when it says so; old browsers send neither header and keep working."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None and site.lower() not in OWN_FETCH_SITES:
        return True
    origin = request.headers.get("Origin")
    return origin is not None and origin.lower() not in _own_origins()


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self' {form_action}; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)


def init_app(app: Flask) -> None:
    @app.before_request
    def refuse_cross_site_posts() -> tuple[str, int] | None:
        if request.method not in UNSAFE_METHODS:
            return None
        if request.endpoint in CROSS_SITE_ENDPOINTS or request.blueprint in CROSS_SITE_BLUEPRINTS:
            return None
        if not from_another_site():
            return None
        return render_error(
            403,
            str(_l("This form came from another website")),
            str(REFUSED_CROSS_SITE),
        )

    @app.after_request
    def security_headers(response: Response) -> Response:
        # The DigiD front channel is a redirect, not a form post, so form-action stays local.
        response.headers.setdefault("Content-Security-Policy", CSP.format(form_action="").strip())
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if request.endpoint != "static" and current_user and current_user.is_authenticated:
            # Every page a logged-in person sees shows their data (the header alone names them).
            response.headers["Cache-Control"] = PRIVATE
        return response
