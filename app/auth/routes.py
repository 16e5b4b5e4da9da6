"""DigiD login and logout (the SAML flow is filled in by the DigiD work)."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from werkzeug.wrappers import Response

from app.services.accounts import end_session

bp = Blueprint("auth", __name__)


@bp.get("/inloggen")
def login() -> str:
    return render_template("auth/login.html")


@bp.post("/uitloggen")
def logout() -> Response:
    end_session()
    return redirect(url_for("auth.logged_out"), 303)


@bp.get("/uitgelogd")
def logged_out() -> str:
    return render_template("auth/logged_out.html")
