"""One URL serves the full page or, for htmx, just the fragment the page itself includes."""

from __future__ import annotations

from typing import Any

from flask import make_response, render_template
from werkzeug.wrappers import Response

from app.requests import request
from app.responses import no_store


def is_htmx() -> bool:
    """An htmx request for a fragment (hx-get and friends). A boosted link or form wants the
    whole page, and so does htmx restoring a page it pushed into the history (the back button
    after a caseload search or a boosted form: base.html keeps no history cache), so neither is
    one."""
    htmx = request.htmx
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render_page(
    page_template: str, fragment_template: str, /, status: int = 200, **context: Any
) -> Response:
    """Positional-only template names, so a view may pass `page=` or `fragment=` as context."""
    template = fragment_template if is_htmx() else page_template
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response


def render_fragment(fragment_template: str, /, **context: Any) -> Response:
    """Just the fragment, for a branch that only an htmx element reaches (the view checked
    is_htmx; without JS the same action redirects)."""
    response = make_response(render_template(fragment_template, **context))
    response.vary.add("HX-Request")
    return response


def nothing_new() -> Response:
    """The answer to an htmx poll while what it waits for is not ready: 204, so htmx swaps
    nothing and keeps polling, and a screen reader hears nothing new. Private, like the page."""
    response = make_response("", 204)
    response.vary.add("HX-Request")
    return no_store(response)
