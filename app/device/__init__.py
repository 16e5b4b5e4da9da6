"""The portal as an app on the resident's phone (issue 17): the web app manifest, the service
worker, the offline page and the choice "keep my overview on this device".

What the worker may keep is decided here, not in the worker: a page is kept only when its
response carries KEEP_HEADER with a note, which we send only for the resident's overview and
summary PDF, only to the device where that resident chose to keep them (a signed cookie naming
them). Every other page answers KEEP_HEADER: 0 unless this device keeps for the person logged
in, and the worker then deletes what it kept: so logout (the logged-out or login page), an
expired session and switching the choice off (the account page after it) all empty it.
Logout and expiry also send Clear-Site-Data "cache" (the browser's HTTP and back-button caches).
Not "storage": that would also end the worker and with it the device's push notices.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer
from markupsafe import escape
from werkzeug.wrappers import Response

from app import clock
from app.assets import asset_url, has_asset
from app.auth.guards import resident_required
from app.dates import clock as clock_words
from app.dates import long_date
from app.device import push
from app.htmx import is_htmx

bp = Blueprint("device", __name__)

KEEP_COOKIE = "mo_bewaren"
KEEP_MAX_AGE = 365 * 24 * 3600
# Response header: "keep a copy of this on the device"; its value is the note (HTML, URL-encoded)
# the worker shows above a kept page when it is offline.
KEEP_HEADER = "X-Keep-Offline"
KEPT_ENDPOINTS = {"overview.index", "summary.pdf"}
FORGET = "0"
CLEAR_SITE_DATA = '"cache"'
CLEARING_ENDPOINTS = {"auth.logout", "auth.logged_out", "staff.logout", "session.expired"}
# Theme and background of the installed app: the page's own ink and paper (main.css).
THEME_COLOUR = "#111111"
BACKGROUND_COLOUR = "#ffffff"
WORKER = Path(__file__).resolve().parents[2] / "static" / "js" / "sw.js"
# Own files the worker keeps for offline use (the "shell"); vendor files only when built.
SHELL_ASSETS = ("css/main.css", "js/app.js", "js/sw-register.js")
# (The icons are not: the offline page needs none, and a first visit stays light.)
SHELL_VENDOR = ("htmx.js",)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key or "", salt="keep-overview")


def keeps_here() -> bool:
    """Whether the logged-in resident chose to keep their overview on this device."""
    if not current_user.is_authenticated or getattr(current_user, "is_staff", True):
        return False
    raw = request.cookies.get(KEEP_COOKIE, "")
    try:
        return bool(raw) and _serializer().loads(raw) == current_user.id
    except BadSignature:
        return False


@bp.get("/manifest.webmanifest")
def manifest() -> Response:
    icons: list[dict[str, Any]] = []
    for name, size, purpose in (
        ("icon-192.png", "192x192", "any"),
        ("icon-512.png", "512x512", "any"),
        ("icon-maskable-512.png", "512x512", "maskable"),
    ):
        if has_asset(name):
            icons.append(
                {"src": asset_url(name), "sizes": size, "type": "image/png", "purpose": purpose}
            )
    response = jsonify(
        {
            "name": "Mijn Overzicht",
            "short_name": "Mijn Overzicht",
            "description": "Wat u moet doen, van de gemeente en de organisaties die u helpen.",
            "lang": "nl",
            "dir": "ltr",
            "id": "/",
            "start_url": "/",
            "scope": "/",
            "display": "standalone",
            "theme_color": THEME_COLOUR,
            "background_color": BACKGROUND_COLOUR,
            "icons": icons,
        }
    )
    response.mimetype = "application/manifest+json"
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.get("/sw.js")
def worker() -> Response:
    """Served from the root so its scope is the whole site. The list of shell files goes in
    front of the script: a new CSS or JS version changes the worker, so browsers update it."""
    shell = [url_for("device.offline")]
    shell += [asset_url(name) for name in SHELL_ASSETS]
    shell += [asset_url(name) for name in SHELL_VENDOR if has_asset(name)]
    quoted = ",".join(f'"{url}"' for url in shell)
    body = f"var SHELL = [{quoted}];\n" + WORKER.read_text(encoding="utf-8")
    response = Response(body, mimetype="text/javascript")
    # Browsers check for a new worker at most daily anyway; never keep an old one longer.
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/offline")
def offline() -> str:
    """What the app shows when there is no internet and nothing kept for that page."""
    return render_template("device/offline.html")


@bp.post("/account/toestel")
@resident_required
def keep() -> Response:
    on = request.form.get("keep") == "on"
    response = redirect(url_for("account.index") + "#toestel", 303)
    if on:
        response.set_cookie(
            KEEP_COOKIE,
            _serializer().dumps(current_user.id),
            max_age=KEEP_MAX_AGE,
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
            httponly=True,
            samesite="Lax",
        )
        flash(gettext("Your overview is now kept on this device."), "success")
    else:
        response.delete_cookie(KEEP_COOKIE, httponly=True, samesite="Lax")
        flash(gettext("Your overview is no longer kept on this device."), "success")
    return response


def kept_note() -> str:
    """The line above a kept overview, URL-encoded for a header."""
    now = clock.now()
    text = gettext(
        "You have no internet. This is your overview of %(date)s at %(time)s. "
        "It may have changed since.",
        date=long_date(now.astimezone(clock.AMSTERDAM).date()),
        time=clock_words(now),
    )
    return quote(str(escape(text)))


def _mark(response: Response) -> Response:
    if request.endpoint in CLEARING_ENDPOINTS:
        response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
    if request.endpoint == "static":
        return response
    if not keeps_here():
        response.headers[KEEP_HEADER] = FORGET
    elif (
        request.endpoint in KEPT_ENDPOINTS
        and response.status_code == 200
        and not is_htmx()  # a fragment is not the page; a boosted answer is the whole page
    ):
        response.headers[KEEP_HEADER] = kept_note()
    return response


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    push.register(app)
    app.after_request(_mark)
    app.jinja_env.globals["device_keeps"] = keeps_here
