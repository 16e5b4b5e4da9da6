"""The built-in pysaml2 test IdP (demo and test only)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("testidp", __name__)
