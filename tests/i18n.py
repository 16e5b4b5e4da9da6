"""What a msgid reads as in Dutch right now: the catalog's words once merged, else the msgid.
Tests of new pages compare with this, so they hold before and after the catalog merge."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import force_locale, gettext


def nl(app: Flask, msgid: str, **variables: Any) -> str:
    with app.test_request_context(), force_locale("nl"):
        return str(gettext(msgid, **variables))
