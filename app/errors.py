"""Kind error pages in plain language. Never a bare 500 page for bad input."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: (
        _l("Something went wrong with your request"),
        _l("We could not understand what your browser sent. Please go back and try again."),
    ),
    403: (_l("You cannot see this page"), _l("This page is not part of your dossier.")),
    404: (
        _l("We cannot find this page"),
        _l("The address may be wrong, or the page no longer exists."),
    ),
    405: (_l("This does not work this way"), _l("Please go back and use the buttons on the page.")),
    413: (_l("The file is too big"), _l("Please send a smaller file.")),
    429: (
        _l("Please wait a moment"),
        _l("You tried many times in a short time. Please try again in a few minutes."),
    ),
    500: (
        _l("Something went wrong on our side"),
        _l("This is not your fault. Please try again later."),
    ),
}


def render_error(
    status: int, title: str | None = None, message: str | None = None
) -> tuple[str, int]:
    default_title, default_message = MESSAGES.get(status, MESSAGES[500])
    return (
        render_template(
            "errors/error.html",
            status=status,
            title=title or default_title,
            message=message or default_message,
        ),
        status,
    )


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        return render_error(
            400,
            str(_l("This page was open too long")),
            str(_l("For your safety, please go back, reload the page and try again.")),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> tuple[str, int]:
        app.logger.exception("unhandled error")
        return render_error(500)
