"""One URL serves the full page or, for htmx, just the fragment the page itself includes."""

from __future__ import annotations

from typing import Any

from flask import make_response, render_template, request
from werkzeug.wrappers import Response


def is_htmx() -> bool:
    return (
        request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"
    )


def render_page(
    page_template: str, fragment_template: str, /, status: int = 200, **context: Any
) -> Response:
    """Positional-only template names, so a view may pass `page=` or `fragment=` as context."""
    template = fragment_template if is_htmx() else page_template
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response
