"""The built-in test IdP ("Test-DigiD"): demo and tests only. create_app imports this package
only when TEST_IDP_ENABLED, so production never loads it."""

from __future__ import annotations

from flask import Flask

from app.digid.entities import use_test_idp
from app.testidp import idp
from app.testidp.routes import bp


def register(app: Flask) -> None:
    use_test_idp(app, idp.build_server)
    app.register_blueprint(bp, url_prefix="/test-idp")
