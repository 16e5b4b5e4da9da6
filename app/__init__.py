"""Mijn Overzicht: create_app() builds the Flask app for the chosen configuration."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
from flask import Flask, session
from flask_babel import lazy_gettext
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from app import (
    account,
    admin,
    assets,
    checks,
    cli,
    consent,
    device,
    errors,
    feedback,
    language,
    ops,
    reports,
    resident_menu,
    responses,
    security,
    selfservice,
    staff,
    unsubscribe,
)
from app.auth import session_routes
from app.auth.routes import bp as auth_bp
from app.config import ROOT, Config, config_from_env
from app.extensions import babel, compress, csrf, db, init_limiter, login_manager
from app.extensions import htmx as htmx_ext
from app.live import live_updates_on
from app.overview.routes import bp as overview_bp
from app.pages.routes import bp as pages_bp
from app.services import sessions
from app.services.accounts import load_user
from app.summary.routes import bp as summary_bp


def create_app(config: type[Config] | None = None, **overrides: Any) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(config or config_from_env())
    app.config.update(overrides)

    checks.check_settings(app)
    _trust_proxies(app)
    ops.init_app(app)  # health, metrics, request ids, JSON logs, database timeouts

    db.init_app(app)
    _init_migrate(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    htmx_ext.init_app(app)
    if app.config.get("COMPRESS_REGISTER", True):
        compress.init_app(app)
    login_manager.init_app(app)
    _init_login(app)
    init_limiter(app)

    app.jinja_env.globals["current_lang"] = language.current_lang
    app.jinja_env.globals["session_seconds_left"] = sessions.seconds_left
    app.jinja_env.globals["help_hours"] = language.help_hours
    app.jinja_env.globals["dutch_part"] = language.dutch_part
    app.jinja_env.globals["dutch_parts"] = language.dutch_parts
    app.jinja_env.globals["event_words"] = language.event_words
    app.jinja_env.globals["live_updates_on"] = live_updates_on
    app.jinja_env.globals["resident_menu"] = resident_menu.MENU
    app.jinja_env.globals["resident_area"] = resident_menu.area_of
    app.context_processor(language.template_gettext)  # the catalog once per render, not per _()
    assets.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    responses.init_app(app)
    cli.init_app(app)
    _register_blueprints(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, take the client address (rate limits, logs) and
    the scheme from X-Forwarded-For / X-Forwarded-Proto, believing only that many hops.
    X-Forwarded-Host is never believed: every address we hand out comes from SAML_SP_BASE_URL
    and PORTAL_URL, so a forged Host header cannot point a link elsewhere."""
    hops = int(app.config.get("TRUSTED_PROXIES", 0))
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


def _init_migrate(app: Flask) -> None:
    """`flask db ...` (Flask-Migrate) exists only where the `flask` command line builds the app:
    web and job workers never migrate, and Flask-Migrate brings Alembic (about 11 MB) into
    every process that imports it (issue #20). The tests run Alembic's own commands, and
    migrations/env.py needs nothing from Flask-Migrate."""
    if click.get_current_context(silent=True) is None:
        return
    from flask_migrate import Migrate

    Migrate(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)


def select_locale() -> str:
    if current_user and current_user.is_authenticated and getattr(current_user, "language", ""):
        return str(current_user.language)
    return str(session.get("lang", "nl"))


def _init_login(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("Please log in with DigiD to see this page.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user)


def _register_blueprints(app: Flask) -> None:
    """Every area, from one list. The order is the order of their request hooks: staff's
    session rule runs before the shared one (an expired staff session goes to the staff login)."""
    areas: list[Callable[[Flask], None]] = [
        lambda app: app.register_blueprint(overview_bp),  # the resident's overview
        lambda app: app.register_blueprint(auth_bp),  # DigiD login and logout
        lambda app: app.register_blueprint(pages_bp),  # statement, language, live updates
        selfservice.init_app,  # timeline, documents, appointments, questions
        staff.register,  # /medewerker: staff login, caseload, dossier work, assisted mode
        session_routes.init_app,  # the session rules for everyone, and their pages
        lambda app: app.register_blueprint(summary_bp),  # print view and PDF of the overview
        account.register,  # contact details, reminder choices, SMS delivery receipts
        admin.register,  # /beheer: staff accounts, organisation links, access-log export
        consent.register,  # resident consent per organisation, 'who looked at my data'
        unsubscribe.register,  # stop links in reminder e-mails, RFC 8058 one-click
        device.register,  # the installable app: manifest, service worker, offline page
        feedback.register,  # 'Was deze pagina duidelijk?' and /beheer/reacties
        reports.register,  # /beheer/rapportage: figures per month and organisation
    ]
    if app.config["TEST_IDP_ENABLED"]:
        # The built-in test IdP: the one import kept inside a function, so that production
        # never even loads it.
        from app import testidp

        areas.append(testidp.register)
    for register in areas:
        register(app)
