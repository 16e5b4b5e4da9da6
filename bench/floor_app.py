"""The stack's floor for a logged-in live poll, for bench/throughput.py.

What any poll of a logged-in user costs with the libraries we chose, and nothing of ours: Flask,
a signed session cookie, Flask-Login's user loader reading one row by primary key through
Flask-SQLAlchemy, and a 304 when the tag matches. No hooks, no limiter, no CSRF, no metrics, no
session rules. bench/throughput.py runs it beside the bare page under the same gunicorn command:
the gap between the bare page and this floor is the price of the stack; the gap between this floor
and our poll is ours.

    DATABASE_URL=sqlite:////tmp/floor.sqlite gunicorn 'bench.floor_app:create_app()'
    GET /login sets the session cookie; GET / with If-None-Match: "v1" answers 304.
"""

from __future__ import annotations

import os

from flask import Flask, make_response
from flask import request as flask_request
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.wrappers import Response

db = SQLAlchemy()
TAG = "v1"


class FloorUser(UserMixin, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "bench_floor_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    tag: Mapped[str]


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = os.urandom(32).hex()
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    db.init_app(app)
    login_manager = LoginManager(app)
    login_manager.user_loader(lambda user_id: db.session.get(FloorUser, int(user_id)))
    with app.app_context():
        db.create_all()
        if db.session.get(FloorUser, 1) is None:
            db.session.add(FloorUser(id=1, tag=TAG))
            db.session.commit()
        # gunicorn --preload forks the workers from this process: no pooled connection may
        # cross the fork (two workers on one PostgreSQL socket fail each other's requests).
        db.engine.dispose()

    @app.get("/login")
    def login() -> str:
        login_user(db.session.get(FloorUser, 1))
        return "logged in"

    @app.get("/")
    @login_required
    def poll() -> Response:
        tag = current_user.tag
        if flask_request.if_none_match.contains(tag):
            return make_response("", 304)
        response = make_response("the page")
        response.set_etag(tag)
        return response

    return app


if __name__ == "__main__":
    print("bench/floor_app.py: the poll's floor for bench/throughput.py; nothing to run on its own")
