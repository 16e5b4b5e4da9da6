"""Appointment forms. Slots are radios rendered by the template (the first radio carries the
field id, so the error summary link lands on it)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import InputRequired, Length

from app.services.appointments import TOPICS


class SlotForm(FlaskForm):
    slot = RadioField(
        _l("Choose a time"),
        coerce=int,
        validate_choice=False,
        validators=[InputRequired(message=_l("Choose a time."))],
    )


class BookForm(SlotForm):
    topic = RadioField(
        _l("What is it about?"),
        choices=list(TOPICS.items()),
        validators=[InputRequired(message=_l("Choose what the appointment is about."))],
    )
    note = TextAreaField(
        _l("Anything we should know? (optional)"),
        validators=[Length(max=500, message=_l("Use at most 500 characters."))],
        render_kw={"rows": 4, "maxlength": 500},
    )


class CancelForm(FlaskForm):
    pass
