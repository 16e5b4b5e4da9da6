"""One URL serves the full page or, for htmx, just the fragment the page itself includes."""

from __future__ import annotations

from typing import Any

from flask import make_response, render_template
from werkzeug.wrappers import Response

from app.requests import request


def is_htmx() -> bool:
    """An htmx request for a fragment (hx-get and friends); a boosted link or form wants the
    whole page, so it is not one."""
    return bool(request.htmx) and not request.htmx.boosted


def render_page(
    page_template: str, fragment_template: str, /, status: int = 200, **context: Any
) -> Response:
    """Positional-only template names, so a view may pass `page=` or `fragment=` as context."""
    template = fragment_template if is_htmx() else page_template
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response
