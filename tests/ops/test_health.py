"""/healthz and /readyz: cheap, no personal data, no session, not logged as page views."""

from __future__ import annotations

import logging

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from app.extensions import db
from tests.conftest import free_port
from tests.login import log_in


def test_healthz_answers_without_a_session_or_the_database(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ok\n"
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "private, no-store"
    assert len(response.headers["X-Request-ID"]) == 32


def test_readyz_is_not_ready_while_migrations_are_behind(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "not ready",
        "database": "ok",
        "migrations": "behind",
        "redis": "unavailable",
    }


@pytest.mark.usefixtures("at_head")
def test_readyz_at_head_is_ready_whether_redis_answers_or_not(
    app: Flask, client: FlaskClient, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ready",
        "database": "ok",
        "migrations": "ok",
        "redis": "ok",
    }
    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["redis"] == "unavailable"
    assert "Set-Cookie" not in response.headers


@pytest.mark.usefixtures("at_head")
def test_readyz_notices_a_newer_schema_than_the_code(client: FlaskClient) -> None:
    db.session.execute(text("UPDATE alembic_version SET version_num = 'ffff'"))
    db.session.commit()
    assert client.get("/readyz").status_code == 503


def test_probes_are_not_logged_as_page_views(
    app: Flask, client: FlaskClient, seeded: None, caplog: pytest.LogCaptureFixture
) -> None:
    log_in(client, "999993653")
    with caplog.at_level(logging.INFO, logger="mijn_overzicht.request"):
        client.get("/")
        client.get("/healthz")
        client.get("/readyz")
        client.get("/metrics")
    events = [r for r in caplog.records if r.name == "mijn_overzicht.request"]
    assert [e.endpoint for e in events] == ["overview.index"]  # type: ignore[attr-defined]
