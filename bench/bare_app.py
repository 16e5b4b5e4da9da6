"""The yardstick for bench/throughput.py: a bare Flask app rendering a Jinja page of a given size.

No database, no session, no extensions: what Flask + Jinja + gunicorn cost on this machine for a
page as big as ours. BARE_PAGE_BYTES sets the size (bench/throughput.py passes the overview's).
Every path answers with the same page; a request with If-None-Match answers 304, as the cheapest
thing a Flask view can do, for the comparison with the unchanged live poll.

    BARE_PAGE_BYTES=9000 gunicorn 'bench.bare_app:create_app()'
"""

from __future__ import annotations

import os

from flask import Flask, make_response, render_template_string, request
from jinja2 import Template
from werkzeug.wrappers import Response

TEMPLATE = """<!doctype html>
<html lang="nl">
<head><meta charset="utf-8"><title>{{ title }}</title></head>
<body>
<main>
<h1>{{ title }}</h1>
<ul>
{% for line in lines %}  <li><a href="/regel/{{ loop.index }}">{{ line }}</a></li>
{% endfor %}</ul>
</main>
</body>
</html>
"""
LINE = "Een regel tekst van een gewone pagina, net zo lang als de andere regels."


def create_app() -> Flask:
    size = int(os.environ.get("BARE_PAGE_BYTES", "10000"))
    app = Flask(__name__)
    one = len(_size_of(1)) - len(_size_of(0))
    count = max(0, (size - len(_size_of(0))) // max(one, 1))
    lines = [LINE] * count

    @app.get("/", defaults={"path": ""})
    @app.get("/<path:path>")
    def page(path: str) -> Response:
        if request.if_none_match:
            return make_response("", 304)
        return make_response(render_template_string(TEMPLATE, title="Pagina", lines=lines))

    return app


def _size_of(count: int) -> str:
    return Template(TEMPLATE).render(title="Pagina", lines=[LINE] * count)
